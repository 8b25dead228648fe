// The governance request: pure data, no SDK imports. Everything the bot decides is derived from this stored shape.

export const REQUEST_TYPES = ['maker-role', 'connector-unblock', 'new-environment', 'release'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];
/** The types the approval policy routes (a release reduces one's own access: it is never routed). */
export const ROUTED_REQUEST_TYPES = ['maker-role', 'connector-unblock', 'new-environment'] as const;

export const REQUEST_STATUSES = [
  'pending',
  'approved',
  'executing',
  'completed',
  'failed',
  'rejected',
  'cancelled',
  'expired',
  'revoked',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Statuses after which no decision can be taken any more. */
export const FINAL_STATUSES: readonly RequestStatus[] = [
  'completed',
  'failed',
  'rejected',
  'cancelled',
  'expired',
  'revoked',
];

export interface Person {
  /** Entra object id (from.aadObjectId in Teams). */
  id: string;
  upn: string;
  displayName: string;
  department?: string | undefined;
}

export interface Requester extends Person {
  /** Holds an enabled PowerAppsService plan (Graph assignedPlans), read when the request was filed. */
  hasPowerAppsLicense: boolean;
}

export interface EnvironmentRef {
  id: string;
  displayName: string;
  /** Production | Sandbox | Trial | Developer | Default */
  sku: string;
  location: string;
  azureRegion?: string | undefined;
  hasDataverse: boolean;
  isDefault: boolean;
  /** Dataverse Web API base (instanceApiUrl) when hasDataverse. */
  instanceApiUrl?: string | undefined;
}

export interface ConnectorRef {
  /** shared_xxx */
  name: string;
  /** /providers/Microsoft.PowerApps/apis/shared_xxx */
  id: string;
  displayName: string;
  tier: 'Standard' | 'Premium' | string;
}

/** DLP group names as the API spells them: Confidential = Business, General = Non-business. */
export type DlpClassification = 'Confidential' | 'General' | 'Blocked';
export type UnblockScope = 'exception' | 'tenant-wide';

export interface MakerRoleDetails {
  type: 'maker-role';
  environment: EnvironmentRef;
}

export interface ConnectorUnblockDetails {
  type: 'connector-unblock';
  environment: EnvironmentRef;
  connector: ConnectorRef;
  /** Names of the policies that block the connector in the environment, when filed. */
  blockingPolicies: { name: string; displayName: string }[];
  /** Chosen by the approver; defaults to Non-business and the narrowest change. */
  classification: 'Confidential' | 'General';
  scope: UnblockScope;
  /** What the change would touch, computed when the request was filed (shown on the approval card). */
  impact?: DlpImpact | undefined;
}

export interface DlpImpact {
  policies: {
    name: string;
    displayName: string;
    environmentType: string;
    /** How many environments this policy covers (all of them for a tenant-wide policy). */
    coveredEnvironments: number;
    /** Can the requested environment be carved out into an environment-scoped exception? */
    exceptionPossible: boolean;
  }[];
  /** Apps and flows in the affected environments that use the connector. */
  resources: {
    kind: 'app' | 'flow';
    displayName: string;
    environment: string;
    /** Absent on requests filed before it was recorded (then the display name tells the environment). */
    environmentId?: string | undefined;
    state?: string | undefined;
  }[];
  /** Environments a tenant-wide reclassification would affect. */
  tenantWideEnvironments: number;
  /**
   * Why that is fewer than the blocking policies cover: environments they cover where another policy blocks the
   * connector too (so a tenant-wide change leaves it blocked there), and those policies. Absent on older requests.
   */
  keptBlocked?: { environments: string[]; policies: string[] } | undefined;
  /** Environments whose flows could not be listed (the flow list was refused): their flows are not in resources. */
  flowsNotListed?: string[] | undefined;
}

export interface NewEnvironmentDetails {
  type: 'new-environment';
  displayName: string;
  sku: 'Production' | 'Sandbox' | 'Trial' | 'Developer';
  location: string;
  azureRegion?: string | undefined;
  dataverse?:
    | {
        domainName: string;
        currency: string;
        languageLcid: number;
        securityGroupId?: string | undefined;
      }
    | undefined;
  description?: string | undefined;
}

/**
 * A maker gives up their own access: the Environment Maker role in an environment, or a connector exception
 * before its end. Reducing one's own access needs no approval; it is confirmed by the holder and executed like
 * any approved change.
 */
export interface ReleaseDetails {
  type: 'release';
  access: 'maker-role' | 'connector-exception';
  environment: EnvironmentRef;
  /** The connector whose exception ends (connector-exception only). */
  connector?: ConnectorRef | undefined;
  /** Completed requests whose access this ends (their records then show that they ended early). */
  grants: string[];
}

export type RequestDetails = MakerRoleDetails | ConnectorUnblockDetails | NewEnvironmentDetails | ReleaseDetails;

export interface ApprovalStage {
  name: string;
  /** Entra group whose (transitive) members may approve this stage. */
  groupId: string;
  groupName?: string | undefined;
  /** Distinct approvals needed to pass the stage. */
  approvals: number;
  /** Set when the stage waited too long and members of another group may now decide it too. */
  escalatedTo?: { groupId: string; groupName?: string | undefined; at: string } | undefined;
}

export interface Routing {
  ruleId: string;
  reason: string;
  outcome: 'auto-approve' | 'auto-deny' | 'require-approval' | 'already-satisfied';
  /** Separation of duties: the environment's creator and admins may not approve. */
  barEnvironmentOwners?: boolean | undefined;
  /** The longest grant the rule allows (ISO 8601 duration). */
  maxDuration?: string | undefined;
  /** Set when an approver's choices routed the request again: the rule it was filed under. */
  filedAs?: { ruleId: string; reason: string } | undefined;
  /** The requester's groups and plans the rule was evaluated with (so `policy explain` can repeat it offline). */
  context?: { requesterGroupIds: string[]; requesterPlans: string[] } | undefined;
}

/** An approver's question to the requester ("need more info") and the requester's answer. */
export interface InfoExchange {
  askedBy: Person;
  question: string;
  askedAt: string;
  answer?: string | undefined;
  answeredAt?: string | undefined;
}

export interface Decision {
  approver: Person;
  verdict: 'approve' | 'reject';
  comment?: string | undefined;
  at: string;
  stage: number;
}

export interface ApiCall {
  method: string;
  /** Host + path without query secrets (no tokens are ever stored). */
  url: string;
  status: number;
  at: string;
  durationMs?: number;
}

export interface ExecutionRecord {
  startedAt?: string;
  finishedAt?: string;
  /** Human-readable steps shown on the card (e.g. LRO stages). */
  progress: { step: string; state: 'pending' | 'running' | 'done' | 'failed'; at: string }[];
  error?: { code: string; message: string } | undefined;
  /** Free-form facts the executor keeps between restarts (LRO Location, created ids, changed policies). */
  checkpoint: Record<string, unknown>;
  result?: Record<string, unknown> | undefined;
  apiCalls: ApiCall[];
}

export interface MessageRef {
  conversationId: string;
  activityId: string;
}

export interface GovernanceRequest {
  /** REQ-1001 */
  id: string;
  /** Incremented on every stored change; used for optimistic concurrency and stale-card detection. */
  version: number;
  type: RequestType;
  status: RequestStatus;
  requester: Requester;
  details: RequestDetails;
  justification?: string | undefined;
  createdAt: string;
  updatedAt: string;
  decisions: Decision[];
  /** The approval stages the policy demanded, in order (empty when auto-approved). */
  stages: ApprovalStage[];
  /** Why the request was routed as it was (policy rule id and reason). */
  routing?: Routing | undefined;
  execution: ExecutionRecord;
  /** Where the approval card lives in the approvals channel, once posted. */
  approvalCard?: MessageRef | undefined;
  /** Where the receipt card lives in the requester's chat. */
  receiptCard?: MessageRef | undefined;
  /** Time-bound grants: when the grant ends. */
  grantEndsAt?: string | undefined;
  /** Questions from approvers and the requester's answers, oldest first. */
  infoExchanges?: InfoExchange[] | undefined;
  /** For an extension: the completed time-bound request it extends. */
  extensionOf?: string | undefined;
  /** The holder gave the access up before its end: the release request that ended it, and when. */
  endedEarly?: { by: string; at: string } | undefined;
  /**
   * A connector exception is per environment: another grant's exception this one relied on was left in place
   * when that grant ended (src/requests/exception-holders.ts). This grant's revert undoes that request's checkpoint.
   */
  revertsExceptionOf?: string | undefined;
}
