// Who may approve each group's stages, for the per-reader card views (refresh.userIds, at most 60 people).
// Only a display aid: authorisation is always checked again on the server when someone acts.
// The tenant port has no group-member listing, so members are found by checking each user's memberships
// in all approver groups at once (one Graph checkMemberGroups call per user), cached and refreshed hourly.
import type { TenantAdmin } from '../tenant/tenant-admin.js';

const REFRESH_MS = 60 * 60_000;

export class ApproverDirectory {
  private members = new Map<string, string[]>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly tenant: TenantAdmin,
    private readonly groupIds: string[],
    private readonly clock: () => Date,
  ) {}

  /** Loads every approver group's members; failures leave the previous cache (views fall back to the base card). */
  async refresh(): Promise<void> {
    if (this.loading) return this.loading;
    this.loading = (async () => {
      const groups = [...new Set(this.groupIds.map((g) => g.toLowerCase()))];
      const next = new Map<string, string[]>(groups.map((g) => [g, []]));
      for (const user of await this.tenant.listUsers()) {
        if (!user.accountEnabled) continue;
        for (const g of await this.tenant.memberOfGroups(user.id, groups)) next.get(g.toLowerCase())?.push(user.id);
      }
      this.members = next;
      this.loadedAt = this.clock().getTime();
    })().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Cached members of the groups (sync, for card rendering); starts a background refresh when stale. */
  membersOf(groupIds: string[]): string[] {
    if (this.clock().getTime() - this.loadedAt > REFRESH_MS && !this.loading)
      void this.refresh().catch(() => undefined);
    return [...new Set(groupIds.flatMap((g) => this.members.get(g.toLowerCase()) ?? []))];
  }
}
