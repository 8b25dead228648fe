// Giving up one's own access (issue 10 part 5): what a maker holds that they may release, in pure functions over
// stored requests. Reducing one's own access needs no approval, so a release is never routed by the policy.
import type { GovernanceRequest, ReleaseDetails, Routing } from './model.js';

/** The routing every release carries: no person decides, and the policy file cannot make it need one. */
export const RELEASE_ROUTING: Routing = {
  ruleId: 'self-release',
  outcome: 'auto-approve',
  reason: 'Giving up your own access needs no approval.',
};

/** "the Environment Maker role in Contoso Dev", "the Dropbox exception in Contoso Dev". */
export function describeRelease(d: ReleaseDetails): string {
  return d.access === 'maker-role'
    ? `the Environment Maker role in ${d.environment.displayName}`
    : `the ${d.connector?.displayName ?? 'connector'} exception in ${d.environment.displayName}`;
}

/** Ids of requests that another completed (or since ended) request extends: the newer one is the live grant. */
function extended(requests: GovernanceRequest[]): Set<string> {
  return new Set(
    requests.flatMap((r) =>
      r.extensionOf && (r.status === 'completed' || r.status === 'revoked') ? [r.extensionOf] : [],
    ),
  );
}

/**
 * The user's connector exceptions in force: completed, narrow (not tenant-wide: that is everyone's), not
 * superseded by an extension, optionally only in one environment or for some connectors (shared_xxx names).
 */
export function activeExceptions(
  requests: GovernanceRequest[],
  userId: string,
  filter: { environmentId?: string | undefined; connectors?: string[] | undefined } = {},
): GovernanceRequest[] {
  const superseded = extended(requests);
  return requests.filter((r) => {
    const d = r.details;
    if (d.type !== 'connector-unblock' || r.status !== 'completed' || r.requester.id !== userId) return false;
    if (d.scope !== 'exception' || superseded.has(r.id)) return false;
    if (filter.environmentId && d.environment.id !== filter.environmentId) return false;
    if (filter.connectors && filter.connectors.length > 0 && !filter.connectors.includes(d.connector.name))
      return false;
    return true;
  });
}

/** The user's completed maker-role requests in an environment (their records show it if the role is given up). */
export function makerRoleGrants(requests: GovernanceRequest[], userId: string, environmentId: string): string[] {
  const superseded = extended(requests);
  return requests
    .filter(
      (r) =>
        r.details.type === 'maker-role' &&
        r.details.environment.id === environmentId &&
        r.requester.id === userId &&
        r.status === 'completed' &&
        !superseded.has(r.id),
    )
    .map((r) => r.id);
}
