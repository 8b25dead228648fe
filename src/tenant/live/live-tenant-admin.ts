// The TenantAdmin port over the real admin REST APIs: composes the thin clients and maps wire shapes to domain shapes.
import type { DlpClassification, EnvironmentRef, NewEnvironmentDetails } from '../../requests/model.js';
import { planName, USABLE_PLAN_STATUSES } from '../licence-plans.js';
import {
  AdminApiError,
  type Connector,
  type CreateEnvironmentStart,
  type DirectoryUser,
  type DlpPolicy,
  type Environment,
  type EnvironmentRoleAssignment,
  type Inventory,
  type InventoryItem,
  type LifecycleOperation,
  type Location,
  type SecurityRoleHolder,
  type TenantAdmin,
} from '../tenant-admin.js';
import type { BapClient } from './bap-client.js';
import type { DataverseClient } from './dataverse-client.js';
import type { FlowClient } from './flow-client.js';
import type { GraphClient } from './graph-client.js';
import type { PowerAppsClient } from './powerapps-client.js';
import { dataverseOrigin, type ScopeResolver } from './scopes.js';
import type {
  BapCreateEnvironmentBody,
  BapEnvironment,
  BapModifyRoleAssignmentsResponse,
  BapRoleAssignment,
  ConnectionReferenceWire,
  DlpEnvironmentWire,
  DlpPolicyWire,
  FlowListItemWire,
  GraphUserWire,
} from './wire-types.js';

export type EnvironmentRole = 'EnvironmentMaker' | 'EnvironmentAdmin';

/** The Dataverse security role that carries each environment role. */
export const DATAVERSE_ROLE_NAMES: Record<EnvironmentRole, string> = {
  EnvironmentMaker: 'Environment Maker',
  EnvironmentAdmin: 'System Administrator',
};

const BAP_ENV_PREFIX = '/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/';
const DLP_ENV_TYPE = 'Microsoft.BusinessAppPlatform/scopes/environments';
/** Dataverse "Cannot insert duplicate key": the association already exists. */
const DATAVERSE_DUPLICATE_KEY = '0x80040237';

export interface LiveTenantAdminClients {
  bap: BapClient;
  powerApps: PowerAppsClient;
  flow: FlowClient;
  dataverse: DataverseClient;
  graph: GraphClient;
  scopes: ScopeResolver;
}

export interface LiveTenantAdminOptions {
  tenantId: string;
  /** Waits between re-reads of a system user after BAP addUser (its row lags). */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  userSyncAttempts?: number | undefined;
  userSyncDelayMs?: number | undefined;
  /** Parallel per-flow GETs when reading inventory. */
  flowDetailConcurrency?: number | undefined;
}

export class LiveTenantAdmin implements TenantAdmin {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly clients: LiveTenantAdminClients,
    private readonly options: LiveTenantAdminOptions,
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  // ---- Directory ----------------------------------------------------------------------------------

  async getUser(idOrUpn: string): Promise<DirectoryUser | undefined> {
    const user = await this.clients.graph.getUser(idOrUpn);
    return user ? toDirectoryUser(user) : undefined;
  }

  async listUsers(): Promise<DirectoryUser[]> {
    return (await this.clients.graph.listUsers()).map(toDirectoryUser);
  }

  async memberOfGroups(userId: string, groupIds: string[]): Promise<string[]> {
    const wanted = [...new Set(groupIds)];
    const matched = new Set<string>();
    for (let i = 0; i < wanted.length; i += 20) {
      const batch = wanted.slice(i, i + 20);
      try {
        for (const id of await this.clients.graph.checkMemberGroups(userId, batch)) matched.add(id.toLowerCase());
      } catch (e) {
        if (e instanceof AdminApiError && e.status === 404) return [];
        throw e;
      }
    }
    return wanted.filter((id) => matched.has(id.toLowerCase()));
  }

  async listGroupMembers(groupId: string): Promise<string[]> {
    try {
      return [...new Set(await this.clients.graph.listTransitiveUserIds(groupId))];
    } catch (e) {
      if (e instanceof AdminApiError && e.status === 404) return [];
      throw e;
    }
  }

  // ---- Environments ---------------------------------------------------------------------------------

  async listEnvironments(): Promise<Environment[]> {
    return (await this.clients.bap.listEnvironments()).map((e) => this.toEnvironment(e));
  }

  async getEnvironment(id: string): Promise<Environment | undefined> {
    const env = await this.clients.bap.getEnvironment(id);
    return env ? this.toEnvironment(env) : undefined;
  }

  async listLocations(): Promise<Location[]> {
    return (await this.clients.bap.listLocations()).map((l) => ({
      name: l.name,
      displayName: l.properties?.displayName ?? l.name,
      azureRegions: l.properties?.azureRegions ?? [],
    }));
  }

  async listCurrencies(location: string): Promise<string[]> {
    return (await this.clients.bap.listCurrencies(location)).map((c) => c.properties?.code ?? c.name);
  }

  async listLanguages(location: string): Promise<{ lcid: number; name: string }[]> {
    return (await this.clients.bap.listLanguages(location)).map((l) => ({
      lcid: l.properties?.localeId ?? Number(l.name),
      name: l.properties?.displayName ?? l.properties?.localizedName ?? l.name,
    }));
  }

  async validateEnvironmentDetails(
    domainName: string,
    location: string,
  ): Promise<{ code: string; message: string } | undefined> {
    try {
      await this.clients.bap.validateEnvironmentDetails({ domainName, environmentLocation: location });
      return undefined;
    } catch (e) {
      if (e instanceof AdminApiError && e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 403) {
        return { code: e.code, message: e.message };
      }
      throw e;
    }
  }

  async startEnvironmentCreation(details: NewEnvironmentDetails, ownerId: string): Promise<CreateEnvironmentStart> {
    const body: BapCreateEnvironmentBody = {
      location: details.location,
      properties: {
        displayName: details.displayName,
        environmentSku: details.sku,
        ...(details.description ? { description: details.description } : {}),
        ...(details.azureRegion ? { azureRegion: details.azureRegion } : {}),
        ...(details.dataverse
          ? {
              databaseType: 'CommonDataService' as const,
              linkedEnvironmentMetadata: {
                baseLanguage: details.dataverse.languageLcid,
                currency: { code: details.dataverse.currency },
                domainName: details.dataverse.domainName,
                ...(details.dataverse.securityGroupId ? { securityGroupId: details.dataverse.securityGroupId } : {}),
                templates: [],
              },
            }
          : {}),
        ...(details.sku === 'Developer' ? { usedBy: { id: ownerId, type: '1', tenantId: this.options.tenantId } } : {}),
      },
    };
    const response = await this.clients.bap.createEnvironment(body);
    if (response.status === 202) {
      const location = response.headers.get('location') ?? response.headers.get('operation-location');
      if (!location)
        throw new AdminApiError(
          202,
          'MissingLocation',
          'Environment creation accepted without a Location',
          'POST',
          response.url,
        );
      return {
        kind: 'accepted',
        operationUrl: new URL(location, response.url).toString(),
        retryAfterSeconds: retryAfterSeconds(response.headers),
      };
    }
    const envId = response.body?.name;
    if (!envId)
      throw new AdminApiError(
        response.status,
        'MissingEnvironment',
        'Environment created without a name',
        'POST',
        response.url,
      );
    return { kind: 'created', environmentId: envId };
  }

  async getLifecycleOperation(operationUrl: string): Promise<LifecycleOperation> {
    const response = await this.clients.bap.getLifecycleOperation(operationUrl);
    const retryAfter = retryAfterSeconds(response.headers);
    if (response.status === 404) return { operationUrl, state: 'Succeeded', stages: [] };
    const op = response.body;
    const busy = response.status === 409 || response.status === 202;
    const state = op?.state?.id ?? (busy ? 'Running' : 'Succeeded');
    const envPath = op?.links?.environment?.path;
    return {
      operationUrl,
      state,
      stages: (op?.stages ?? []).map((s) => ({ id: s.id ?? s.name ?? '', state: s.state?.id ?? 'NotStarted' })),
      environmentId: envPath ? lastSegment(envPath) : undefined,
      retryAfterSeconds: retryAfter,
      error: op?.error?.code ? { code: op.error.code, message: op.error.message ?? op.error.code } : undefined,
    };
  }

  // ---- Roles ----------------------------------------------------------------------------------------

  async hasEnvironmentRole(env: EnvironmentRef, userId: string, role: EnvironmentRole): Promise<boolean> {
    if (!env.hasDataverse) {
      const assignments = await this.clients.bap.listRoleAssignments(env.id);
      return assignments.some((a) => grantsRole(a, userId, role, true));
    }
    const org = await this.orgUrl(env);
    const user = await this.clients.dataverse.findSystemUserByObjectId(org, userId);
    return user !== undefined && hasDataverseRole(user.systemuserroles_association, role);
  }

  async grantEnvironmentRole(env: EnvironmentRef, user: DirectoryUser, role: EnvironmentRole): Promise<void> {
    if (!env.hasDataverse) return this.grantBapRole(env, user, role);
    return this.grantDataverseRole(env, user, role);
  }

  async revokeEnvironmentRole(env: EnvironmentRef, userId: string, role: EnvironmentRole): Promise<void> {
    if (!env.hasDataverse) {
      const assignments = await this.clients.bap.listRoleAssignments(env.id);
      const mine = assignments.filter((a) => grantsRole(a, userId, role, false));
      if (mine.length === 0) return;
      const response = await this.clients.bap.modifyRoleAssignments(env.id, {
        remove: mine.map((a) => ({ id: a.id })),
      });
      throwOnItemFailure(response, 'remove', env.id);
      return;
    }
    const org = await this.orgUrl(env);
    const sysUser = await this.clients.dataverse.findSystemUserByObjectId(org, userId);
    if (!sysUser) return;
    const wanted = DATAVERSE_ROLE_NAMES[role].toLowerCase();
    for (const r of sysUser.systemuserroles_association ?? []) {
      if (r.name?.toLowerCase() === wanted)
        await this.clients.dataverse.disassociateRole(org, sysUser.systemuserid, r.roleid);
    }
  }

  async listRoleAssignments(env: EnvironmentRef): Promise<EnvironmentRoleAssignment[]> {
    if (env.hasDataverse) return [];
    return (await this.clients.bap.listRoleAssignments(env.id)).map((a) => {
      const definition = a.properties.roleDefinition;
      const principal = a.properties.principal;
      return {
        name: a.name,
        role: definition.name ?? (definition.id ? lastSegment(definition.id) : ''),
        principalId: principal.id ?? (principal.type === 'Tenant' ? (principal.tenantId ?? 'tenant') : ''),
        principalType: principal.type ?? 'User',
        principalName: principal.displayName || principal.email || undefined,
      };
    });
  }

  async listSecurityRoleHolders(env: EnvironmentRef, roleNames: string[]): Promise<SecurityRoleHolder[]> {
    if (!env.hasDataverse || roleNames.length === 0) return [];
    const wanted = new Map(roleNames.map((n) => [n.toLowerCase(), n]));
    const holders: SecurityRoleHolder[] = [];
    for (const u of await this.clients.dataverse.listSystemUsersWithRoles(await this.orgUrl(env))) {
      if (!u.azureactivedirectoryobjectid) continue;
      // A user can hold a same-named role from several business units: one entry per role name.
      const held = new Set((u.systemuserroles_association ?? []).map((r) => wanted.get(r.name?.toLowerCase() ?? '')));
      for (const role of held) {
        if (!role) continue;
        holders.push({
          userId: u.azureactivedirectoryobjectid.toLowerCase(),
          role,
          displayName: u.fullname || u.domainname || undefined,
          application: Boolean(u.applicationid),
        });
      }
    }
    return holders;
  }

  private async grantBapRole(env: EnvironmentRef, user: DirectoryUser, role: EnvironmentRole): Promise<void> {
    const assignments = await this.clients.bap.listRoleAssignments(env.id);
    if (assignments.some((a) => grantsRole(a, user.id, role, true))) return;
    const response = await this.clients.bap.modifyRoleAssignments(env.id, {
      add: [
        {
          properties: {
            roleDefinition: { id: `${BAP_ENV_PREFIX}${env.id}/roleDefinitions/${role}` },
            principal: {
              id: user.id,
              type: 'User',
              email: user.mail ?? user.userPrincipalName,
              tenantId: this.options.tenantId,
            },
          },
        },
      ],
    });
    throwOnItemFailure(response, 'add', env.id);
  }

  private async grantDataverseRole(env: EnvironmentRef, user: DirectoryUser, role: EnvironmentRole): Promise<void> {
    const dv = this.clients.dataverse;
    const org = await this.orgUrl(env);
    let sysUser = await dv.findSystemUserByObjectId(org, user.id);
    if (!sysUser) {
      await this.clients.bap.addUser(env.id, user.id);
      const attempts = this.options.userSyncAttempts ?? 10;
      for (let i = 0; i < attempts && !sysUser; i++) {
        if (i > 0) await this.sleep(this.options.userSyncDelayMs ?? 3_000);
        sysUser = await dv.findSystemUserByObjectId(org, user.id);
      }
      if (!sysUser) {
        throw new AdminApiError(
          404,
          'SystemUserNotSynced',
          `User ${user.id} was added but has not appeared in Dataverse yet`,
          'GET',
          org,
        );
      }
    }
    if (hasDataverseRole(sysUser.systemuserroles_association, role)) return;

    // Roles belong to a business unit and a user is given roles of their own unit: take the role of the user's
    // unit, and the root unit's only when the user's unit has none (or is unknown).
    const roleName = DATAVERSE_ROLE_NAMES[role];
    const userBu = sysUser._businessunitid_value;
    let [securityRole] = userBu ? await dv.findRoles(org, roleName, userBu) : [];
    if (!securityRole) {
      const rootBu = await dv.getRootBusinessUnit(org);
      if (!rootBu)
        throw new AdminApiError(404, 'RootBusinessUnitNotFound', 'The org has no root business unit', 'GET', org);
      if (rootBu.businessunitid !== userBu) [securityRole] = await dv.findRoles(org, roleName, rootBu.businessunitid);
    }
    if (!securityRole)
      throw new AdminApiError(404, 'RoleNotFound', `No '${roleName}' role in the user's business unit`, 'GET', org);
    try {
      await dv.associateRole(org, sysUser.systemuserid, securityRole.roleid);
    } catch (e) {
      if (e instanceof AdminApiError && e.code.toLowerCase() === DATAVERSE_DUPLICATE_KEY) return;
      throw e;
    }
  }

  /** The env's Dataverse Web API base, with its token audience known (reads the environment once if needed). */
  private async orgUrl(env: EnvironmentRef): Promise<string> {
    const known = env.instanceApiUrl;
    if (known && this.clients.scopes.knows(known)) return known;
    const fresh = await this.getEnvironment(env.id);
    const url = fresh?.instanceApiUrl ?? known;
    if (!url)
      throw new AdminApiError(400, 'NoDataverse', `Environment ${env.id} has no Dataverse organization`, 'GET', env.id);
    return url;
  }

  // ---- DLP and connectors ---------------------------------------------------------------------------

  /**
   * The v2 list has no connector groups, so each listed policy is read with its own GET (as Microsoft's Terraform
   * provider does). Nothing is kept between calls: each call is one consistent read (one monitor poll, one
   * preparation); writes re-read the policy with getDlpPolicy just before writing.
   */
  async listDlpPolicies(): Promise<DlpPolicy[]> {
    const listed = await this.clients.bap.listDlpPolicies();
    const policies = await mapLimited(listed, this.options.flowDetailConcurrency ?? 4, (item) =>
      this.getDlpPolicy(item.policyDefinition.name),
    );
    // A policy deleted between the list and its GET is simply gone.
    return policies.filter((p): p is DlpPolicy => p !== undefined);
  }

  async getDlpPolicy(name: string): Promise<DlpPolicy | undefined> {
    try {
      const wire = await this.clients.bap.getDlpPolicy(name);
      return wire?.policyDefinition ? toDlpPolicy(wire) : undefined;
    } catch (e) {
      if (e instanceof AdminApiError && e.code === 'ApiPolicyNotFound') return undefined;
      throw e;
    }
  }

  async updateDlpPolicy(policy: DlpPolicy): Promise<DlpPolicy> {
    const body = toDlpWire(policy, policy.raw);
    body.policyDefinition.name = policy.name;
    body.policyDefinition.etag = policy.etag;
    const written = await this.clients.bap.updateDlpPolicy(policy.name, body, policy.etag);
    if (written?.policyDefinition) return toDlpPolicy(written);
    const reread = await this.getDlpPolicy(policy.name);
    if (!reread)
      throw new AdminApiError(
        404,
        'ApiPolicyNotFound',
        `Policy ${policy.name} vanished after update`,
        'GET',
        policy.name,
      );
    return reread;
  }

  async createDlpPolicy(
    policy: Omit<DlpPolicy, 'name' | 'etag' | 'raw'> & { raw?: Record<string, unknown> },
  ): Promise<DlpPolicy> {
    const body = toDlpWire(policy, policy.raw ?? {});
    delete body.policyDefinition.etag;
    delete (body.policyDefinition as { name?: string }).name;
    const created = await this.clients.bap.createDlpPolicy(body);
    if (!created?.policyDefinition)
      throw new AdminApiError(500, 'EmptyResponse', 'Policy creation returned no policy', 'POST', 'v2/policies');
    return toDlpPolicy(created);
  }

  async deleteDlpPolicy(name: string): Promise<void> {
    await this.clients.bap.deleteDlpPolicy(name);
  }

  async listConnectors(): Promise<Connector[]> {
    const [apis, unblockable] = await Promise.all([
      this.clients.powerApps.listConnectors(),
      this.listUnblockableConnectorIds(),
    ]);
    return apis.map((api) => ({
      name: api.name,
      id: api.id,
      displayName: api.properties.displayName,
      tier: api.properties.tier ?? 'Standard',
      publisher: api.properties.publisher,
      unblockable: unblockable.has(api.id.toLowerCase()),
    }));
  }

  async listUnblockableConnectorIds(): Promise<Set<string>> {
    const entries = await this.clients.bap.listUnblockableConnectors();
    return new Set(entries.filter((e) => e.metadata?.unblockable !== false).map((e) => e.id.toLowerCase()));
  }

  // ---- Inventory ------------------------------------------------------------------------------------

  async listInventory(environmentId: string): Promise<Inventory> {
    const [apps, listedFlows] = await Promise.all([
      this.clients.powerApps.listApps(environmentId),
      this.listFlowsIfAllowed(environmentId),
    ]);
    const flows = listedFlows.flows;
    const appItems: InventoryItem[] = apps.map((app) => ({
      kind: 'app',
      name: app.name,
      displayName: app.properties.displayName,
      environmentId,
      state: typeof app.properties.state === 'string' ? app.properties.state : undefined,
      owner: app.properties.owner?.id,
      connectorIds: connectorIdsOf(app.properties.connectionReferences),
    }));
    const flowItems = await mapLimited(flows, this.options.flowDetailConcurrency ?? 4, async (item) => {
      const flow = await this.clients.flow.getFlow(environmentId, item.name);
      const props = flow?.properties ?? item.properties;
      const result: InventoryItem = {
        kind: 'flow',
        name: item.name,
        displayName: props.displayName ?? item.properties.displayName,
        environmentId,
        state: props.state ?? item.properties.state,
        owner: props.creator?.objectId ?? item.properties.creator?.objectId,
        connectorIds: connectorIdsOf(flow?.properties.connectionReferences),
      };
      return result;
    });
    return { items: [...appItems, ...flowItems], flowsNotListed: listedFlows.refused };
  }

  /**
   * Whether an app-only token may list flows is not settled (Learn: Flow APIs take service principals only where no
   * licence is needed). A 403 keeps the rest of the inventory and says the flows could not be listed.
   */
  private async listFlowsIfAllowed(environmentId: string): Promise<{ flows: FlowListItemWire[]; refused?: string }> {
    try {
      return { flows: await this.clients.flow.listFlows(environmentId) };
    } catch (e) {
      if (e instanceof AdminApiError && e.status === 403) {
        return { flows: [], refused: `the flow list was refused (${e.code}: ${e.message})` };
      }
      throw e;
    }
  }

  // ---- Mapping --------------------------------------------------------------------------------------

  private toEnvironment(wire: BapEnvironment): Environment {
    const p = wire.properties;
    const linked = p.linkedEnvironmentMetadata;
    if (linked?.instanceApiUrl && (linked.instanceUrl || linked.domainName)) {
      this.clients.scopes.registerDataverse(linked.instanceApiUrl, dataverseOrigin(linked));
    }
    return {
      id: wire.name,
      displayName: p.displayName,
      sku: p.environmentSku,
      location: wire.location,
      azureRegion: p.azureRegion,
      hasDataverse: linked !== undefined && linked !== null,
      isDefault: p.isDefault === true,
      instanceApiUrl: linked?.instanceApiUrl,
      createdBy: p.createdBy?.id,
      createdTime: p.createdTime,
      // While it is still being provisioned the provisioning state says so, whatever the management state says.
      state:
        p.provisioningState && p.provisioningState !== 'Succeeded'
          ? p.provisioningState
          : (p.states?.management?.id ?? p.provisioningState ?? 'Unknown'),
      instanceState: linked?.instanceState,
      instanceUrl: linked?.instanceUrl,
      domainName: linked?.domainName,
      managed: p.governanceConfiguration?.protectionLevel === 'Standard',
    };
  }
}

function toDirectoryUser(u: GraphUserWire): DirectoryUser {
  // Warning is the grace period and still usable; Graph gives no plan names, so known ids are named here.
  const plans = (u.assignedPlans ?? [])
    .filter((p) => USABLE_PLAN_STATUSES.has(p.capabilityStatus))
    .map((p) => ({
      service: p.service,
      servicePlanName: p.servicePlanName ?? planName(p.servicePlanId),
      servicePlanId: p.servicePlanId,
    }));
  return {
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    mail: u.mail ?? undefined,
    displayName: u.displayName,
    department: u.department ?? undefined,
    jobTitle: u.jobTitle ?? undefined,
    accountEnabled: u.accountEnabled !== false,
    plans,
    hasPowerAppsLicense: plans.some((p) => p.service === 'PowerAppsService'),
  };
}

/** Whether a BAP assignment gives userId the role; the Tenant principal (everyone) counts when asked. */
function grantsRole(a: BapRoleAssignment, userId: string, role: EnvironmentRole, includeTenant: boolean): boolean {
  const definition = a.properties.roleDefinition;
  const name = definition.name ?? (definition.id ? lastSegment(definition.id) : '');
  if (name.toLowerCase() !== role.toLowerCase()) return false;
  const principal = a.properties.principal;
  if (principal.type === 'Tenant') return includeTenant && role === 'EnvironmentMaker';
  return principal.type === 'User' && principal.id?.toLowerCase() === userId.toLowerCase();
}

function hasDataverseRole(roles: { name?: string }[] | undefined, role: EnvironmentRole): boolean {
  const wanted = DATAVERSE_ROLE_NAMES[role].toLowerCase();
  return (roles ?? []).some((r) => r.name?.toLowerCase() === wanted);
}

function throwOnItemFailure(
  response: BapModifyRoleAssignmentsResponse | undefined,
  kind: 'add' | 'remove',
  envId: string,
): void {
  for (const item of response?.[kind] ?? []) {
    const status = item.httpStatus;
    const failed =
      typeof status === 'number'
        ? status >= 300
        : typeof status === 'string' && !['created', 'ok', 'nocontent', 'accepted'].includes(status.toLowerCase());
    if (failed || item.error) {
      const code = item.error?.code ?? `RoleAssignment${kind === 'add' ? 'Add' : 'Remove'}Failed`;
      throw new AdminApiError(
        typeof status === 'number' ? status : 400,
        code,
        item.error?.message ?? `Role assignment ${kind} failed (${String(status)})`,
        'POST',
        `${BAP_ENV_PREFIX}${envId}/modifyRoleAssignments`,
      );
    }
  }
}

function toDlpPolicy(wire: DlpPolicyWire): DlpPolicy {
  const d = wire.policyDefinition;
  return {
    name: d.name,
    displayName: d.displayName,
    etag: d.etag ?? '',
    environmentType: d.environmentType as DlpPolicy['environmentType'],
    environments: (d.environments ?? []).map((e) => e.name ?? lastSegment(e.id)),
    defaultConnectorsClassification: d.defaultConnectorsClassification as DlpClassification,
    connectorGroups: (d.connectorGroups ?? []).map((g) => ({
      classification: g.classification as DlpClassification,
      connectors: g.connectors.map((c) => ({ id: c.id, name: c.name, type: c.type })),
    })),
    lastModifiedTime: d.lastModifiedTime,
    raw: structuredClone(wire) as Record<string, unknown>,
  };
}

/** The wire body for a write: every field of raw kept, the fields the bot edits replaced. */
function toDlpWire(policy: Omit<DlpPolicy, 'name' | 'etag' | 'raw'>, raw: Record<string, unknown>): DlpPolicyWire {
  const body = structuredClone(raw) as DlpPolicyWire;
  const previous = (body.policyDefinition ?? {}) as Partial<DlpPolicyWire['policyDefinition']>;
  const known = new Map((previous.environments ?? []).map((e) => [(e.name ?? lastSegment(e.id)).toLowerCase(), e]));
  const environments: DlpEnvironmentWire[] = policy.environments.map(
    (id) => known.get(id.toLowerCase()) ?? { id: `${BAP_ENV_PREFIX}${id}`, name: id, type: DLP_ENV_TYPE },
  );
  body.policyDefinition = {
    ...previous,
    name: previous.name ?? '',
    displayName: policy.displayName,
    defaultConnectorsClassification: policy.defaultConnectorsClassification,
    environmentType: policy.environmentType,
    environments,
    connectorGroups: policy.connectorGroups.map((g) => ({
      classification: g.classification,
      connectors: g.connectors.map((c) => ({ id: c.id, name: c.name, type: c.type })),
    })),
  };
  return body;
}

function connectorIdsOf(refs: Record<string, ConnectionReferenceWire> | undefined): string[] {
  const ids = new Set<string>();
  for (const ref of Object.values(refs ?? {})) if (ref?.id) ids.add(ref.id.toLowerCase());
  return [...ids];
}

function retryAfterSeconds(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const n = Number(value);
  if (Number.isFinite(n)) return n;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function lastSegment(path: string): string {
  const clean = path.split('?')[0] ?? path;
  const parts = clean.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? clean;
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
