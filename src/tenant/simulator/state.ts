import { ActivityFeedState } from './activity-feed.js';
import {
  cloneFixture,
  type FixtureAssignedPlan,
  type FixtureConnector,
  type FixtureConnectorGroup,
  type FixtureDataverse,
  type FixtureEnvironment,
  type FixtureGroup,
  type FixtureLanguage,
  type FixtureLocation,
  type FixturePolicyEnvironment,
  type FixtureResource,
  type FixtureSystemUser,
  type FixtureTeam,
  type FixtureTenant,
  type FixtureUser,
  type TenantFixture,
} from './fixture.js';
import { newGuid, sameId, stableGuid } from './ids.js';

/** A Dataverse system user; fixture users are interactive, the simulator adds application users too. */
export interface SimSystemUser extends FixtureSystemUser {
  fullname?: string;
  internalemailaddress?: string | null;
  /** Set for application users (`accessmode` 4). */
  applicationid?: string | null;
  isdisabled?: boolean;
  /** The user's business unit (the root one when unset). */
  businessunitid?: string;
}

export interface SimDataverse extends FixtureDataverse {
  systemusers: SimSystemUser[];
  instanceState?: string;
  securityGroupId?: string | null;
  /** Business units under the root one (each has its own copy of every root role, as in Dataverse). */
  childBusinessUnits?: { businessunitid: string; name: string }[];
}

export interface SimEnvironment extends FixtureEnvironment {
  dataverse: SimDataverse | null;
  description?: string;
  provisioningState?: string;
  /** Owner of a Developer environment (`usedBy` of the create request). */
  usedBy?: string | null;
}

/** A DLP policy: the fixture's v2 fields plus the server-maintained ones. */
export interface SimDlpPolicy {
  name: string;
  displayName: string;
  environmentType: string;
  environments: FixturePolicyEnvironment[];
  defaultConnectorsClassification: string;
  connectorGroups: FixtureConnectorGroup[];
  createdBy: string;
  createdTime: string;
  etag: string;
  lastModifiedBy: string;
  lastModifiedTime: string;
  connectorConfigurationsDefinition?: unknown;
  customConnectorUrlPatternsDefinition?: unknown;
}

export type StageId = 'Validate' | 'Prepare' | 'Run' | 'Finalize';
export const STAGES: StageId[] = ['Validate', 'Prepare', 'Run', 'Finalize'];

export interface LifecycleOperation {
  id: string;
  type: 'Create';
  environmentName: string;
  /** The environment that appears when the operation succeeds. */
  pending: SimEnvironment;
  /** Client id of the application that asked for it (gets an application user in the new org). */
  callerAppId: string;
  polls: number;
  state: 'Running' | 'Succeeded' | 'Failed';
  failure: { code: string; message: string } | null;
  createdTime: string;
}

export interface FaultRule {
  method?: string;
  pathIncludes?: string;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching requests fail (default 1). */
  times?: number;
}

export interface RequestLogEntry {
  method: string;
  /** Path without the query string, e.g. `/bap/providers/…/environments`. */
  path: string;
  /** Query string including `?`, or ''. */
  query: string;
  status: number;
  /** Audience of the bearer token, when one was sent and could be read. */
  audience?: string;
  time: string;
}

export interface StateOptions {
  clock: () => Date;
  lroPollsToComplete: number;
  /** Seconds (simulator clock) after which an operation finishes by itself; 0 = only by polls. */
  lroSecondsToComplete?: number;
  retryAfterSeconds: number;
}

/** The whole in-memory tenant of one simulator instance. Tests may read and change it directly. */
/** Requests the in-memory log keeps (tests read far fewer; a bot running for days made far more). */
export const MAX_REQUEST_LOG = 10_000;

export class SimulatorState {
  readonly tenant: FixtureTenant;
  users: FixtureUser[];
  groups: FixtureGroup[];
  environments: SimEnvironment[];
  connectors: FixtureConnector[];
  dlpPolicies: SimDlpPolicy[];
  resources: FixtureResource[];
  teams: FixtureTeam[];
  locations: FixtureLocation[];
  currencies: string[];
  languages: FixtureLanguage[];
  readonly operations = new Map<string, LifecycleOperation>();
  /** The latest requests (at most MAX_REQUEST_LOG; older ones are forgotten, counted in requestsForgotten). */
  readonly requests: RequestLogEntry[] = [];
  /** How many requests fell off the front of `requests` (entry n of the whole log is requests[n - this]). */
  requestsForgotten = 0;
  readonly faults: (FaultRule & { remaining: number })[] = [];
  clock: () => Date;
  lroPollsToComplete: number;
  /** Seconds after which a running lifecycle operation finishes on its own (0 = only when polled enough). */
  lroSecondsToComplete: number;
  retryAfterSeconds: number;
  /** When true, Dataverse answers 403 `0x80072560` to callers that are not an application user of the org. */
  enforceDataverseMembership = false;
  /**
   * How long an expanded systemuserroles_association may be served from cache after it was read (requests with
   * If-None-Match: null always read fresh). 0 turns the cache off.
   */
  dataverseExpandCacheSeconds = 300;
  /** Role names last served per `{organizationId}:{systemuserid}`, with when they were read (epoch ms). */
  readonly dataverseExpandCache = new Map<string, { roles: string[]; at: number }>();
  /** Rows per page of a Dataverse collection (the real service's 5,000; tests lower it to see paging). */
  dataverseMaxPageSize = 5000;
  /** When true, a DLP PATCH with a stale etag (body or If-Match) answers 412; off by default (not documented). */
  dlpEnforcesEtag = false;
  /** Seconds before a newly assigned licence reaches the Power Platform (addUser answers userNotLicensed until then). */
  licencePropagationSeconds = 120;
  /** When true, the admin flow list answers 403 (an app-only caller the Flow API does not accept). */
  flowListForbidden = false;
  /** When set, the next lifecycle operation ends `Failed` with this error. */
  nextOperationFailure: { code: string; message: string } | null = null;
  /** When non-empty, the token endpoint only accepts these client credentials. */
  clientCredentials: { clientId: string; clientSecret?: string }[] = [];
  /** The Office 365 Management Activity feed (`/manage`): subscriptions, content blobs, webhook notifications. */
  readonly activityFeed: ActivityFeedState;

  constructor(fixture: TenantFixture, opts: StateOptions) {
    const f = cloneFixture(fixture);
    this.tenant = f.tenant;
    this.users = f.users;
    this.groups = f.groups;
    this.environments = f.environments.map((e) => ({ ...e, provisioningState: 'Succeeded' }));
    for (const env of this.environments) {
      if (env.dataverse) env.dataverse.instanceState ??= 'Ready';
    }
    this.connectors = f.connectors;
    this.dlpPolicies = f.dlpPolicies.map((p) => ({
      ...p,
      etag: stableGuid(`etag:${p.name}`),
      lastModifiedBy: p.createdBy,
      lastModifiedTime: p.createdTime,
    }));
    this.resources = f.resources;
    this.teams = f.teams;
    this.locations = f.locations;
    this.currencies = f.currencies;
    this.languages = f.languages;
    this.clock = opts.clock;
    this.lroPollsToComplete = opts.lroPollsToComplete;
    this.lroSecondsToComplete = opts.lroSecondsToComplete ?? 0;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.activityFeed = new ActivityFeedState(this.tenant.id, () => this.clock());
  }

  /** Makes the next `times` (default 1) requests that match fail with `status` (and optional body/headers). */
  failNext(rule: FaultRule): void {
    this.faults.push({ ...rule, remaining: rule.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Consumes and returns the first fault rule matching a request, if any. */
  /** Logs a request; a long-running simulator (npm start) keeps only the latest, so its memory stays flat. */
  logRequest(entry: RequestLogEntry): void {
    this.requests.push(entry);
    if (this.requests.length > MAX_REQUEST_LOG) {
      const drop = this.requests.length - MAX_REQUEST_LOG / 2;
      this.requests.splice(0, drop);
      this.requestsForgotten += drop;
    }
  }

  takeFault(method: string, pathAndQuery: string): FaultRule | undefined {
    const idx = this.faults.findIndex(
      (f) =>
        f.remaining > 0 &&
        (!f.method || f.method.toUpperCase() === method.toUpperCase()) &&
        (!f.pathIncludes || pathAndQuery.toLowerCase().includes(f.pathIncludes.toLowerCase())),
    );
    if (idx < 0) return undefined;
    const fault = this.faults[idx]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(idx, 1);
    return fault;
  }

  now(): string {
    return this.clock().toISOString();
  }

  findEnvironment(name: string): SimEnvironment | undefined {
    return this.environments.find((e) => sameId(e.name, name));
  }

  findEnvironmentByDomain(domainName: string): SimEnvironment | undefined {
    return this.environments.find((e) => e.dataverse && sameId(e.dataverse.domainName, domainName));
  }

  findUser(idOrUpn: string): FixtureUser | undefined {
    return this.users.find((u) => sameId(u.id, idOrUpn) || sameId(u.userPrincipalName, idOrUpn));
  }

  findGroup(id: string): FixtureGroup | undefined {
    return this.groups.find((g) => sameId(g.id, id));
  }

  /** Ids of every group the object belongs to, directly or through nested groups. */
  transitiveGroupIds(objectId: string): Set<string> {
    const result = new Set<string>();
    const queue = [objectId.toLowerCase()];
    while (queue.length > 0) {
      const current = queue.shift()!;
      for (const g of this.groups) {
        const gid = g.id.toLowerCase();
        if (!result.has(gid) && g.members.some((m) => m.toLowerCase() === current)) {
          result.add(gid);
          queue.push(gid);
        }
      }
    }
    return result;
  }

  /**
   * Assigns a plan now, as an admin would in Entra: Graph shows it at once, but the Power Platform (addUser) sees it
   * only after licencePropagationSeconds.
   */
  assignPlan(userId: string, plan: Omit<FixtureAssignedPlan, 'assignedDateTime'>): void {
    const user = this.findUser(userId);
    if (!user) throw new Error(`No user ${userId}`);
    user.assignedPlans.push({ ...plan, assignedDateTime: this.now() });
  }

  /** Whether addUser sees a usable Power Apps plan yet (one assigned long enough ago to have propagated). */
  powerAppsPlanPropagated(user: FixtureUser): boolean {
    const cutoff = this.clock().getTime() - this.licencePropagationSeconds * 1000;
    return user.assignedPlans.some(
      (p) =>
        p.service === 'PowerAppsService' &&
        (p.capabilityStatus === 'Enabled' || p.capabilityStatus === 'Warning') &&
        (!p.assignedDateTime || Date.parse(p.assignedDateTime) <= cutoff),
    );
  }

  /** An Enabled plan, or one in its grace period (Warning), gives the service. */
  hasPowerAppsPlan(user: FixtureUser): boolean {
    return user.assignedPlans.some(
      (p) => p.service === 'PowerAppsService' && (p.capabilityStatus === 'Enabled' || p.capabilityStatus === 'Warning'),
    );
  }

  /** The running lifecycle operation, if any (one at a time per tenant). */
  runningOperation(): LifecycleOperation | undefined {
    return [...this.operations.values()].find((op) => op.state === 'Running');
  }

  /** Adds a business unit under the root one, with its own copy of every root role (new role ids). */
  addChildBusinessUnit(dataverse: SimDataverse, name: string): string {
    const businessunitid = newGuid();
    dataverse.childBusinessUnits = [...(dataverse.childBusinessUnits ?? []), { businessunitid, name }];
    const rootRoles = dataverse.roles.filter(
      (r) => !r.businessunitid || r.businessunitid === dataverse.rootBusinessUnitId,
    );
    for (const role of rootRoles) dataverse.roles.push({ roleid: newGuid(), name: role.name, businessunitid });
    return businessunitid;
  }

  /** Adds (or returns) the Dataverse system user for an Entra user. */
  ensureSystemUser(dataverse: SimDataverse, user: FixtureUser): SimSystemUser {
    const existing = dataverse.systemusers.find((s) => sameId(s.azureactivedirectoryobjectid, user.id));
    if (existing) return existing;
    const created: SimSystemUser = {
      systemuserid: newGuid(),
      azureactivedirectoryobjectid: user.id,
      domainname: user.userPrincipalName,
      fullname: user.displayName,
      internalemailaddress: user.mail,
      roles: [],
    };
    dataverse.systemusers.push(created);
    return created;
  }

  /** Adds (or returns) an application user with System Administrator for a client id. */
  ensureApplicationUser(dataverse: SimDataverse, appId: string, objectId: string): SimSystemUser {
    const existing = dataverse.systemusers.find((s) => sameId(s.applicationid ?? null, appId));
    if (existing) return existing;
    const created: SimSystemUser = {
      systemuserid: newGuid(),
      azureactivedirectoryobjectid: objectId,
      domainname: `${appId}@${this.tenant.domain}`,
      fullname: `# ${appId}`,
      internalemailaddress: null,
      applicationid: appId,
      roles: ['System Administrator'],
    };
    dataverse.systemusers.push(created);
    return created;
  }
}
