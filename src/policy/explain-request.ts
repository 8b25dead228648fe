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

/**
 * The routing in force, as stored: the rule, the rule it was filed under when an approver's choices routed it
 * again, and every stage with who approved it. The same words in the CLI and on the "why?" button.
 */
export function describeStoredRouting(request: GovernanceRequest): string {
  const stored = request.routing;
  if (!stored) return `${request.id} has no stored routing.`;
  const lines = [`${request.id} is routed by rule "${stored.ruleId}" (${stored.outcome}): ${stored.reason}`];
  if (stored.filedAs)
    lines.push(
      `It was filed under rule "${stored.filedAs.ruleId}"; an approver's choices${describeChoices(request)} routed it again, adding approvals (never removing any).`,
    );
  request.stages.forEach((s, i) => {
    const approvals = request.decisions.filter((d) => d.stage === i && d.verdict === 'approve');
    const by = approvals.map((d) => `${d.approver.displayName} (${d.at.slice(0, 16).replace('T', ' ')} UTC)`);
    const state =
      approvals.length >= s.approvals
        ? `approved by ${by.join(', ')}`
        : by.length > 0
          ? `${by.length} of ${s.approvals} approvals (${by.join(', ')})`
          : 'waiting';
    lines.push(`  Stage ${i + 1}, ${s.name} (${s.groupName ?? s.groupId}, ${s.approvals} distinct): ${state}`);
  });
  return lines.join('\n');
}

function describeChoices(request: GovernanceRequest): string {
  const d = request.details;
  if (d.type !== 'connector-unblock') return '';
  return ` (${d.scope === 'tenant-wide' ? 'tenant-wide' : 'exception'}, ${d.classification === 'Confidential' ? 'Business' : 'Non-business'})`;
}

export async function explainRequest(
  request: GovernanceRequest,
  policy: RoutingPolicy,
  tenant: TenantAdmin,
): Promise<StoredExplanation> {
  const stored = request.routing;
  const head = describeStoredRouting(request);
  // Giving up one's own access is never routed: no rule of the policy file applies to it.
  if (request.type === 'release')
    return {
      text: `${head}\nThe policy file routes requests for access; giving access up needs no approval.`,
      changedSinceFiled: false,
    };
  if (!policy.explain) return { text: head, changedSinceFiled: false };
  let context = stored?.context;
  if (!context) {
    const user = await tenant.getUser(request.requester.id);
    const groups = policy.groupsOfInterest();
    context = {
      requesterGroupIds: user && groups.length > 0 ? await tenant.memberOfGroups(user.id, groups) : [],
      requesterPlans: user?.plans.flatMap((p) => (p.servicePlanName ? [p.servicePlanName] : [])) ?? [],
    };
  }
  const explanation = policy.explain(request, context);
  const changed = stored !== undefined && stored.ruleId !== explanation.ruleId;
  const lines = [head, '', formatExplanation(request.id, explanation)];
  if (changed)
    lines.push(
      '',
      `Note: with today's policy file it matches "${explanation.ruleId}", not "${stored.ruleId}". The request keeps the approvals listed above; an approver's change of scope or group is routed again when they decide.`,
    );
  return { text: lines.join('\n'), explanation, changedSinceFiled: changed };
}
