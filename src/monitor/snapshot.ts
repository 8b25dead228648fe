// What the monitor remembers of the tenant between polls: small, JSON-serialisable, keyed by stable ids, so two
// snapshots can be compared field by field. Taken whole or not at all (a failed read must not look like deletions).
import type { Environment, TenantAdmin } from '../tenant/tenant-admin.js';

export interface EnvironmentState {
  displayName: string;
  sku: string;
  hasDataverse: boolean;
}

export interface DlpPolicyState {
  displayName: string;
  environmentType: string;
  environments: string[];
  defaultClassification: string;
  /** connector id (lower-case) → classification */
  connectors: Record<string, string>;
  /** connector id (lower-case) → display name, for messages */
  connectorNames: Record<string, string>;
}

export interface ConnectorState {
  displayName: string;
  tier: string;
  publisher?: string | undefined;
}

export interface RoleAssignmentState {
  role: string;
  principalId: string;
  principalType: string;
  principalName?: string | undefined;
}

/** The Dataverse security roles that carry the environment roles the feed watches. */
export const WATCHED_DATAVERSE_ROLES = ['Environment Maker', 'System Administrator'];

export interface SecurityRoleState {
  role: string;
  /** Entra object id, lower-case. */
  userId: string;
  displayName?: string | undefined;
  application?: boolean | undefined;
}

export interface GovernanceSnapshot {
  takenAt: string;
  environments: Record<string, EnvironmentState>;
  dlpPolicies: Record<string, DlpPolicyState>;
  connectors: Record<string, ConnectorState>;
  /** environment id → assignment name → assignment (BAP environments only). */
  roleAssignments: Record<string, Record<string, RoleAssignmentState>>;
  /**
   * environment id → "userId|role" → holder of a watched Dataverse security role (environments with Dataverse).
   * Absent in snapshots stored before it existed; an environment missing here has no baseline yet.
   */
  dataverseRoles?: Record<string, Record<string, SecurityRoleState>>;
}

export interface SnapshotParts {
  roles: boolean;
  /** Which Dataverse environments to read role holders of (default all); the others are left out. */
  watchDataverse?: ((env: Environment) => boolean) | undefined;
  /** The last snapshot: an org that cannot be read this time keeps its last known holders. */
  previous?: GovernanceSnapshot | undefined;
  /** Told about each org that could not be read (the rest of the snapshot is still taken). */
  onUnreadable?: ((env: Environment, error: unknown) => void) | undefined;
}

export const securityRoleKey = (userId: string, role: string) => `${userId.toLowerCase()}|${role}`;

export async function takeSnapshot(
  tenant: TenantAdmin,
  now: Date,
  parts: SnapshotParts = { roles: true },
): Promise<GovernanceSnapshot> {
  const [environments, policies, connectors] = await Promise.all([
    tenant.listEnvironments(),
    tenant.listDlpPolicies(),
    tenant.listConnectors(),
  ]);
  const snapshot: GovernanceSnapshot = {
    takenAt: now.toISOString(),
    environments: {},
    dlpPolicies: {},
    connectors: {},
    roleAssignments: {},
    dataverseRoles: {},
  };
  for (const e of environments)
    snapshot.environments[e.id] = { displayName: e.displayName, sku: e.sku, hasDataverse: e.hasDataverse };
  for (const p of policies) {
    const state: DlpPolicyState = {
      displayName: p.displayName,
      environmentType: p.environmentType,
      environments: [...p.environments].map((id) => id.toLowerCase()).sort(),
      defaultClassification: p.defaultConnectorsClassification,
      connectors: {},
      connectorNames: {},
    };
    for (const group of p.connectorGroups)
      for (const c of group.connectors) {
        state.connectors[c.id.toLowerCase()] = group.classification;
        state.connectorNames[c.id.toLowerCase()] = c.name;
      }
    snapshot.dlpPolicies[p.name] = state;
  }
  for (const c of connectors)
    snapshot.connectors[c.id.toLowerCase()] = { displayName: c.displayName, tier: c.tier, publisher: c.publisher };
  if (parts.roles) {
    for (const e of environments.filter((env) => !env.hasDataverse)) {
      const byName: Record<string, RoleAssignmentState> = {};
      for (const a of await tenant.listRoleAssignments(e))
        byName[a.name] = {
          role: a.role,
          principalId: a.principalId.toLowerCase(),
          principalType: a.principalType,
          principalName: a.principalName,
        };
      snapshot.roleAssignments[e.id] = byName;
    }
    snapshot.dataverseRoles = await readDataverseRoles(tenant, environments, parts);
  }
  return snapshot;
}

/**
 * Poll cost: one system-user listing (paged by @odata.nextLink) per watched Dataverse environment per poll, so
 * MONITOR_INTERVAL_SECONDS and MONITOR_ENVIRONMENTS bound the load. Read one org at a time, to stay gentle on
 * the service-protection limits each org enforces.
 */
async function readDataverseRoles(
  tenant: TenantAdmin,
  environments: Environment[],
  parts: SnapshotParts,
): Promise<Record<string, Record<string, SecurityRoleState>>> {
  const result: Record<string, Record<string, SecurityRoleState>> = {};
  const watched = environments.filter((e) => e.hasDataverse && (parts.watchDataverse?.(e) ?? true));
  for (const e of watched) {
    const last = parts.previous?.dataverseRoles?.[e.id];
    // An org still being provisioned cannot answer yet; its first full read becomes its baseline.
    if (e.instanceState !== undefined && e.instanceState !== 'Ready') {
      if (last) result[e.id] = last;
      continue;
    }
    try {
      const byKey: Record<string, SecurityRoleState> = {};
      for (const h of await tenant.listSecurityRoleHolders(e, WATCHED_DATAVERSE_ROLES))
        byKey[securityRoleKey(h.userId, h.role)] = {
          role: h.role,
          userId: h.userId.toLowerCase(),
          displayName: h.displayName,
          application: h.application,
        };
      result[e.id] = byKey;
    } catch (error) {
      // A failed read must not look like removals, nor silence the rest of the feed.
      parts.onUnreadable?.(e, error);
      if (last) result[e.id] = last;
    }
  }
  return result;
}
