// Group membership checks (Graph checkMemberGroups) answered again for a few seconds, and asked once when the same
// question is asked several times at once. Every card click asks whether the clicking user belongs to the request's
// approver groups: a burst of clicks by a few approvers asked Graph on every click (an HTTP call and a new
// connection each, about a fifth of the bot's CPU in a profile of 40 approvals at once).
//
// Membership decides who may see and decide a request, so the answer is kept for MEMBERSHIP_TTL_MS only (10 s),
// from the moment Graph answered. The bound: someone removed from an approver group may still decide for at most
// 10 s after a check that found them a member; asked on every click, the answer was already as old as the call
// took, and the removal was already not seen by a click whose check had started. Every decision is audited with
// its actor either way. A newly added approver waits as long at most. Nothing else is cached: the request and its
// stages are read from storage on every click.
import { LRUCache } from 'lru-cache';
import type { TenantAdmin } from './tenant-admin.js';

export const MEMBERSHIP_TTL_MS = 10_000;
/** Distinct (user, groups) questions kept: a busy tenant's approvers, not its whole directory. */
const MAX_ANSWERS = 5_000;

interface Question {
  userId: string;
  groupIds: string[];
}

/** The tenant, with memberOfGroups answered from a short-lived cache; every other call goes through unchanged. */
export function withMembershipCache(
  tenant: TenantAdmin,
  clock: () => Date = () => new Date(),
  ttlMs = MEMBERSHIP_TTL_MS,
): TenantAdmin {
  // The groups of the question the user belongs to, lower-cased; concurrent fetches of one key share one call.
  const answers = new LRUCache<string, Set<string>, Question>({
    max: MAX_ANSWERS,
    ttl: ttlMs,
    perf: { now: () => clock().getTime() },
    fetchMethod: async (_key, _stale, { context }) =>
      new Set((await tenant.memberOfGroups(context.userId, context.groupIds)).map(lower)),
  });

  async function memberOfGroups(userId: string, groupIds: string[]): Promise<string[]> {
    const wanted = [...new Set(groupIds)];
    if (wanted.length === 0) return tenant.memberOfGroups(userId, groupIds);
    const key = `${lower(userId)} ${[...new Set(wanted.map(lower))].sort().join(' ')}`;
    const memberOf = await answers.fetch(key, { context: { userId, groupIds: wanted } });
    // In the caller's order and spelling, as the tenant answers.
    return wanted.filter((id) => memberOf?.has(lower(id)));
  }

  return new Proxy(tenant, {
    get(target, property) {
      if (property === 'memberOfGroups') return memberOfGroups;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const lower = (id: string) => id.toLowerCase();
