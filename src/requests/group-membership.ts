// One directory membership check (Graph checkMemberGroups): which of the groups asked about a user belongs to.
// A check made earlier in the same turn answers a later question about some of those groups without a second call.

export interface GroupMembership {
  userId: string;
  /** The groups asked about. */
  checked: string[];
  /** Those the user belongs to (directly or through nested groups). */
  memberOf: string[];
}

const lower = (id: string) => id.toLowerCase();

/** Whether the user belongs to any of `groups`; undefined when the check did not cover every one of them. */
export function answerFrom(known: GroupMembership, groups: string[]): boolean | undefined {
  const checked = new Set(known.checked.map(lower));
  if (!groups.every((g) => checked.has(lower(g)))) return undefined;
  const memberOf = new Set(known.memberOf.map(lower));
  return groups.some((g) => memberOf.has(lower(g)));
}
