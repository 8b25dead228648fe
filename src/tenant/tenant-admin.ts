// The tenant-admin port: what the bot needs from a Power Platform tenant, in domain words.
// One implementation speaks the real admin REST APIs (src/tenant/live); locally it is pointed at the
// simulated tenant (src/tenant/simulator), an HTTP server with the same shapes.

import type { ConnectorRef, DlpClassification, EnvironmentRef, NewEnvironmentDetails } from '../requests/model.js';

export interface DirectoryUser {
  id: string;
  userPrincipalName: string;
  mail?: string | undefined;
  displayName: string;
  department?: string | undefined;
  jobTitle?: string | undefined;
  accountEnabled: boolean;
  /**
   * Usable plans only (Enabled, or Warning: the grace period), e.g. { service: 'PowerAppsService',
   * servicePlanName: 'POWERAPPS_PER_USER' }; the name is known only for published plan ids (src/tenant/licence-plans.ts).
   */
  plans: { service: string; servicePlanName?: string | undefined; servicePlanId: string }[];
  hasPowerAppsLicense: boolean;
}

export interface Environment extends EnvironmentRef {
  createdBy?: string | undefined;
  createdTime?: string | undefined;
  /** Management state: Ready, Running, ... */
  state: string;
  /** Dataverse org state when hasDataverse (Ready when usable). */
  instanceState?: string | undefined;
  instanceUrl?: string | undefined;
  domainName?: string | undefined;
  managed: boolean;
}

export interface Connector extends ConnectorRef {
  publisher?: string | undefined;
  unblockable: boolean;
}

export interface DlpConnectorEntry {
  id: string;
  name: string;
  type: string;
}

export interface DlpPolicy {
  name: string;
  displayName: string;
  etag: string;
  environmentType: 'AllEnvironments' | 'ExceptEnvironments' | 'OnlyEnvironments' | 'SingleEnvironment';
  /** Environment ids named by the policy (meaning depends on environmentType). */
  environments: string[];
  defaultConnectorsClassification: DlpClassification;
  connectorGroups: { classification: DlpClassification; connectors: DlpConnectorEntry[] }[];
  lastModifiedTime?: string | undefined;
  /** The untouched wire body, so a write sends back every rule the bot does not know about. */
  raw: Record<string, unknown>;
}

export interface InventoryItem {
  kind: 'app' | 'flow';
  name: string;
  displayName: string;
  environmentId: string;
  state?: string | undefined;
  owner?: string | undefined;
  /** Connector ids (/providers/Microsoft.PowerApps/apis/shared_x), lower-cased. */
  connectorIds: string[];
}

/** An environment's apps and flows; when the flows could not be listed (a 403), the apps alone and why. */
export interface Inventory {
  items: InventoryItem[];
  /** Set when the flow list was refused: the reason, in words (the apps are still listed). */
  flowsNotListed?: string | undefined;
}

export interface LifecycleOperation {
  /** Absolute URL to poll (the Location header). */
  operationUrl: string;
  state: 'Running' | 'Succeeded' | 'Failed' | string;
  stages: { id: string; state: string }[];
  environmentId?: string | undefined;
  retryAfterSeconds?: number | undefined;
  error?: { code: string; message: string } | undefined;
}

export type CreateEnvironmentStart =
  | { kind: 'accepted'; operationUrl: string; retryAfterSeconds?: number | undefined }
  | { kind: 'created'; environmentId: string };

/** An environment role held by a user, a group or the whole tenant (BAP role assignments). */
export interface EnvironmentRoleAssignment {
  /** The assignment's name (unique within the environment). */
  name: string;
  role: string;
  principalId: string;
  principalType: string;
  principalName?: string | undefined;
}

/** A Dataverse security role held by a system user of an environment's org. */
export interface SecurityRoleHolder {
  /** The system user's Entra object id (lower-case). */
  userId: string;
  /** The role's name as asked for (a role of that name in any business unit counts). */
  role: string;
  displayName?: string | undefined;
  /** An application user (a service principal), not a person. */
  application?: boolean | undefined;
}

export interface Location {
  name: string;
  displayName: string;
  azureRegions: string[];
}

/** A failure the admin API reported, with its code, kept as a value callers can branch on. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly method: string,
    readonly url: string,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
  /** Worth trying again later: throttling, server errors, and network failures (status 0: no answer at all). */
  get retryable(): boolean {
    return [0, 408, 425, 429, 499, 500, 502, 503, 504].includes(this.status);
  }
}

export interface TenantAdmin {
  // Directory (Graph)
  getUser(idOrUpn: string): Promise<DirectoryUser | undefined>;
  listUsers(): Promise<DirectoryUser[]>;
  /** Which of groupIds the user is (transitively) a member of. */
  memberOfGroups(userId: string, groupIds: string[]): Promise<string[]>;
  /** Ids of the group's users, direct or through nested groups ([] for an unknown group). */
  listGroupMembers(groupId: string): Promise<string[]>;

  // Environments (BAP)
  listEnvironments(): Promise<Environment[]>;
  getEnvironment(id: string): Promise<Environment | undefined>;
  listLocations(): Promise<Location[]>;
  listCurrencies(location: string): Promise<string[]>;
  listLanguages(location: string): Promise<{ lcid: number; name: string }[]>;
  /** Undefined when valid; else the reason (e.g. DomainNameAlreadyInUse). */
  validateEnvironmentDetails(
    domainName: string,
    location: string,
  ): Promise<{ code: string; message: string } | undefined>;
  startEnvironmentCreation(details: NewEnvironmentDetails, ownerId: string): Promise<CreateEnvironmentStart>;
  getLifecycleOperation(operationUrl: string): Promise<LifecycleOperation>;

  // Roles: BAP role assignments without Dataverse, Dataverse security roles with it.
  hasEnvironmentRole(
    env: EnvironmentRef,
    userId: string,
    role: 'EnvironmentMaker' | 'EnvironmentAdmin',
  ): Promise<boolean>;
  grantEnvironmentRole(
    env: EnvironmentRef,
    user: DirectoryUser,
    role: 'EnvironmentMaker' | 'EnvironmentAdmin',
  ): Promise<void>;
  revokeEnvironmentRole(
    env: EnvironmentRef,
    userId: string,
    role: 'EnvironmentMaker' | 'EnvironmentAdmin',
  ): Promise<void>;
  /** BAP environment role assignments of an environment without Dataverse (Dataverse ones use security roles). */
  listRoleAssignments(env: EnvironmentRef): Promise<EnvironmentRoleAssignment[]>;
  /**
   * Who holds any of roleNames (Dataverse security role names, case-insensitive) in an environment with
   * Dataverse, one entry per user and role; [] without Dataverse. System users without an Entra id are left out.
   */
  listSecurityRoleHolders(env: EnvironmentRef, roleNames: string[]): Promise<SecurityRoleHolder[]>;

  // DLP (v2 policies) and connectors
  listDlpPolicies(): Promise<DlpPolicy[]>;
  getDlpPolicy(name: string): Promise<DlpPolicy | undefined>;
  /** Writes the policy; the stored etag must match policy.etag or it fails with a 412/409 AdminApiError. */
  updateDlpPolicy(policy: DlpPolicy): Promise<DlpPolicy>;
  createDlpPolicy(
    policy: Omit<DlpPolicy, 'name' | 'etag' | 'raw'> & { raw?: Record<string, unknown> },
  ): Promise<DlpPolicy>;
  deleteDlpPolicy(name: string): Promise<void>;
  listConnectors(): Promise<Connector[]>;
  /** Connector ids (lower-cased) that can never be blocked. */
  listUnblockableConnectorIds(): Promise<Set<string>>;

  // Inventory (apps and flows with the connectors they use)
  /** Apps and flows; a refused flow list (403) leaves the apps and says so in flowsNotListed, never throws. */
  listInventory(environmentId: string): Promise<Inventory>;
}
