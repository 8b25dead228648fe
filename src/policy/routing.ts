// Routing: which approvals a request needs. The rules engine (policy file) implements this interface;
// the default below asks one approval from the configured approver group.
import type { ApprovalStage, GovernanceRequest, Routing } from '../requests/model.js';
import type { ReasonScope } from './reason-required.js';

export interface RoutingDecision {
  routing: Routing;
  stages: ApprovalStage[];
  /** For auto-deny: the reason shown to the requester. */
  denyReason?: string | undefined;
  /** A rule may cap a grant's duration (ISO 8601 duration, e.g. P14D). */
  maxDuration?: string | undefined;
  /** Separation of duties: the environment's creator and admins may not approve this request. */
  barEnvironmentOwners?: boolean | undefined;
}

export interface RoutingContext {
  requesterGroupIds: string[];
  /** Service plan names the requester holds (Graph assignedPlans), for premium licence rules. */
  requesterPlans?: string[] | undefined;
}

/** Why a request was routed as it was: every rule considered, in order, and why it did or did not match. */
export interface RoutingExplanation {
  ruleId: string;
  outcome: Routing['outcome'];
  reason: string;
  considered: { ruleId: string; matched: boolean; because: string[] }[];
  stages: ApprovalStage[];
  maxDuration?: string | undefined;
  barEnvironmentOwners?: boolean | undefined;
}

export interface RoutingPolicy {
  route(request: GovernanceRequest, context: RoutingContext): RoutingDecision;
  /** Group ids whose membership the policy needs to know about for a requester (checked through Graph). */
  groupsOfInterest(): string[];
  /** Which rule matched and why (the rules engine implements it; the fallback policy has no rules to explain). */
  explain?(request: GovernanceRequest, context: RoutingContext): RoutingExplanation;
  /** The group a stage escalates to when it waits too long (undefined: re-notify the same group). */
  escalationGroup?(stage: ApprovalStage): { groupId: string; groupName?: string | undefined } | undefined;
  /** Requests filed only with a reason (policy file `requireReasonFor`); absent: DEFAULT_REASON_SCOPES. */
  readonly requireReasonFor?: readonly ReasonScope[] | undefined;
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
