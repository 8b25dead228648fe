// What a requester's follow-up message can refer to, read from stored requests (the authority, not the chat):
// the approvers' questions still waiting for their answer, and their time-bound grants that can be extended.
import type { GovernanceRequest } from '../requests/model.js';

/** Pending requests of the requester whose latest question from an approver has no answer yet. */
export function openQuestions(requests: GovernanceRequest[], requesterId: string): GovernanceRequest[] {
  return requests
    .filter(
      (r) =>
        r.requester.id === requesterId &&
        r.status === 'pending' &&
        (r.infoExchanges ?? []).some((x) => x.answer === undefined),
    )
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id, 'en', { numeric: true }));
}

export interface GrantFilter {
  environmentId?: string | undefined;
  type?: 'maker-role' | 'connector-unblock' | undefined;
  /** Connector names (shared_xxx) the message named. */
  connectors?: string[] | undefined;
}

/**
 * The requester's active time-bound grants: completed maker roles and connector exceptions with an end, and
 * not already replaced by a completed extension (the extension is the grant to extend then).
 */
export function extendableGrants(
  requests: GovernanceRequest[],
  requesterId: string,
  filter: GrantFilter = {},
): GovernanceRequest[] {
  const active = requests.filter(
    (r) => r.requester.id === requesterId && r.status === 'completed' && r.grantEndsAt && r.type !== 'new-environment',
  );
  const superseded = new Set(active.map((r) => r.extensionOf).filter(Boolean));
  return active.filter((r) => {
    if (superseded.has(r.id)) return false;
    const d = r.details;
    if (d.type === 'new-environment') return false;
    if (filter.environmentId && d.environment.id !== filter.environmentId) return false;
    if (filter.type && d.type !== filter.type) return false;
    if (filter.connectors?.length && (d.type !== 'connector-unblock' || !filter.connectors.includes(d.connector.name)))
      return false;
    return true;
  });
}
