// Routing again when an approver's choices change what will be executed (a connector unblock made
// tenant-wide, or Business instead of Non-business). The policy decides on the request as it will run; the
// result is merged with the stages the request already has, so a choice can only ever add approvals:
// - stages already there keep their place (decisions point at stage indices) and the larger approval count;
// - stages the new rule wants from a group the request does not have yet are added at the end;
// - an auto-deny under the new choices refuses the choice; an auto-approve adds nothing.
import type { ApprovalStage, GovernanceRequest, Routing } from '../requests/model.js';
import { durationMs } from './duration.js';
import type { RoutingDecision } from './routing.js';

export type RerouteResult =
  | { kind: 'unchanged' }
  | { kind: 'denied'; ruleId: string; reason: string }
  | {
      kind: 'rerouted';
      stages: ApprovalStage[];
      routing: Routing;
      /** Stages added at the end, and stages whose approval count grew. */
      added: ApprovalStage[];
      raised: ApprovalStage[];
      maxDuration?: string | undefined;
    };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function mergeRouting(request: GovernanceRequest, decision: RoutingDecision): RerouteResult {
  const original = request.routing;
  if (decision.routing.outcome === 'auto-deny')
    return { kind: 'denied', ruleId: decision.routing.ruleId, reason: decision.denyReason ?? decision.routing.reason };
  const stages = request.stages.map((s) => ({ ...s }));
  const added: ApprovalStage[] = [];
  const raised: ApprovalStage[] = [];
  const used = new Set<number>();
  for (const wanted of decision.routing.outcome === 'require-approval' ? decision.stages : []) {
    const index = stages.findIndex((s, i) => !used.has(i) && same(s.groupId, wanted.groupId));
    const existing = index >= 0 ? stages[index] : undefined;
    if (existing) {
      used.add(index);
      if (wanted.approvals > existing.approvals) {
        existing.approvals = wanted.approvals;
        raised.push(existing);
      }
      continue;
    }
    const stage = { ...wanted };
    stages.push(stage);
    used.add(stages.length - 1);
    added.push(stage);
  }
  const sameRule = original?.ruleId === decision.routing.ruleId;
  if (added.length === 0 && raised.length === 0 && (sameRule || decision.routing.outcome !== 'require-approval'))
    return { kind: 'unchanged' };
  const routing: Routing = {
    ruleId: decision.routing.ruleId,
    reason: decision.routing.reason,
    outcome: 'require-approval',
    // Separation of duties and grant caps only ever tighten.
    barEnvironmentOwners: original?.barEnvironmentOwners || decision.routing.barEnvironmentOwners || undefined,
    maxDuration: shorter(original?.maxDuration, decision.maxDuration),
    ...(original ? { filedAs: original.filedAs ?? { ruleId: original.ruleId, reason: original.reason } } : {}),
  };
  return { kind: 'rerouted', stages, routing, added, raised, maxDuration: decision.maxDuration };
}

function shorter(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || !b) return a ?? b;
  return (durationMs(a) ?? Number.POSITIVE_INFINITY) <= (durationMs(b) ?? Number.POSITIVE_INFINITY) ? a : b;
}

/** "Tenant-wide needs Senior approval too; sent to Power Platform Senior Approvers." */
export function describeReroute(
  choice: string,
  result: Extract<RerouteResult, { kind: 'rerouted' }>,
  ruleId: string,
): string {
  const groups = [...result.added, ...result.raised].map((s) => s.groupName ?? s.groupId);
  const names = [...new Set(groups)].join(' and ');
  const what =
    result.added.length > 0 ? `${result.added.map((s) => s.name).join(' and ')} too` : 'another distinct approver too';
  return `${choice} needs ${what} (rule "${ruleId}"); sent to ${names}.`;
}
