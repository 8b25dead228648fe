// Who may approve each group's stages, for the per-reader card views (refresh.userIds, at most 60 people).
// Only a display aid: authorisation is always checked again on the server when someone acts.
// Each approver group's users (transitive) come from one paged Graph listing per group, cached for a short
// time so a membership change shows on the cards within minutes.
import type { TenantAdmin } from '../tenant/tenant-admin.js';

export const APPROVER_CACHE_TTL_MS = 5 * 60_000;

export class ApproverDirectory {
  private readonly groups: Set<string>;
  private members = new Map<string, string[]>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly tenant: TenantAdmin,
    groupIds: string[],
    private readonly clock: () => Date,
    private readonly ttlMs = APPROVER_CACHE_TTL_MS,
  ) {
    this.groups = new Set(groupIds.map((g) => g.toLowerCase()));
  }

  /**
   * Reads every approver group's members. A group that fails to load keeps its previous members (views fall
   * back to the base card for it); the first failure is rethrown after the others are loaded.
   */
  async refresh(): Promise<void> {
    if (this.loading) return this.loading;
    this.loading = (async () => {
      const next = new Map(this.members);
      let failure: unknown;
      for (const group of this.groups) {
        try {
          next.set(group, await this.tenant.listGroupMembers(group));
        } catch (error) {
          failure ??= error;
        }
      }
      this.members = next;
      this.loadedAt = this.clock().getTime();
      if (failure !== undefined) throw failure;
    })().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Cached members of the groups (sync, for card rendering); starts a background refresh when stale or new. */
  membersOf(groupIds: string[]): string[] {
    const wanted = groupIds.map((g) => g.toLowerCase());
    let unknown = false;
    for (const g of wanted) {
      if (!this.groups.has(g)) {
        this.groups.add(g);
        unknown = true;
      }
    }
    const stale = this.clock().getTime() - this.loadedAt > this.ttlMs;
    if ((stale || unknown) && !this.loading) void this.refresh().catch(() => undefined);
    return [...new Set(wanted.flatMap((g) => this.members.get(g) ?? []))];
  }
}
