// Routing: which approvals a request needs. The rules engine (policy file) implements this interface;
// the default below asks one approval from the configured approver group.
import type { ApprovalStage, GovernanceRequest, Routing } from '../requests/model.js';

export interface RoutingDecision {
  routing: Routing;
  stages: ApprovalStage[];
  /** For auto-deny: the reason shown to the requester. */
  denyReason?: string | undefined;
  /** A rule may cap a grant's duration (ISO 8601 duration, e.g. P14D). */
  maxDuration?: string | undefined;
}

export interface RoutingContext {
  requesterGroupIds: string[];
}

export interface RoutingPolicy {
  route(request: GovernanceRequest, context: RoutingContext): RoutingDecision;
  /** Group ids whose membership the policy needs to know about for a requester (checked through Graph). */
  groupsOfInterest(): string[];
}

export function singleStagePolicy(approverGroupId: string, groupName = 'Power Platform Admins'): RoutingPolicy {
  return {
    route: () => ({
      routing: {
        ruleId: 'default',
        reason: 'Every request needs one approval by an admin.',
        outcome: 'require-approval',
      },
      stages: [{ name: 'Admin approval', groupId: approverGroupId, groupName, approvals: 1 }],
    }),
    groupsOfInterest: () => [],
  };
}
