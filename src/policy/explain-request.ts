// "Why was this routed so?" for a stored request: the rule stored when it was filed, and the policy's
// rule-by-rule explanation worked out again with the requester's current groups and plans.
import type { GovernanceRequest } from '../requests/model.js';
import type { TenantAdmin } from '../tenant/tenant-admin.js';
import type { RoutingExplanation, RoutingPolicy } from './routing.js';
import { formatExplanation } from './rules-engine.js';

export interface StoredExplanation {
  text: string;
  explanation?: RoutingExplanation | undefined;
  /** The policy now routes the request by a different rule than when it was filed. */
  changedSinceFiled: boolean;
}

export async function explainRequest(
  request: GovernanceRequest,
  policy: RoutingPolicy,
  tenant: TenantAdmin,
): Promise<StoredExplanation> {
  const stored = request.routing;
  const head = stored
    ? `When filed, ${request.id} matched rule "${stored.ruleId}" (${stored.outcome}): ${stored.reason}`
    : `${request.id} has no stored routing.`;
  if (!policy.explain) return { text: head, changedSinceFiled: false };
  const user = await tenant.getUser(request.requester.id);
  const groups = policy.groupsOfInterest();
  const requesterGroupIds = user && groups.length > 0 ? await tenant.memberOfGroups(user.id, groups) : [];
  const requesterPlans = user?.plans.flatMap((p) => (p.servicePlanName ? [p.servicePlanName] : [])) ?? [];
  const explanation = policy.explain(request, { requesterGroupIds, requesterPlans });
  const changed = stored !== undefined && stored.ruleId !== explanation.ruleId;
  const lines = [head, '', formatExplanation(request.id, explanation)];
  if (changed)
    lines.push(
      '',
      `Note: with today's policy and directory it would match "${explanation.ruleId}"; the stored routing still applies.`,
    );
  return { text: lines.join('\n'), explanation, changedSinceFiled: changed };
}
