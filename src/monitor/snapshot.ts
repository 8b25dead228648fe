// What the monitor remembers of the tenant between polls: small, JSON-serialisable, keyed by stable ids, so two
// snapshots can be compared field by field. Taken whole or not at all (a failed read must not look like deletions).
import type { TenantAdmin } from '../tenant/tenant-admin.js';

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

export interface GovernanceSnapshot {
  takenAt: string;
  environments: Record<string, EnvironmentState>;
  dlpPolicies: Record<string, DlpPolicyState>;
  connectors: Record<string, ConnectorState>;
  /** environment id → assignment name → assignment (BAP environments only). */
  roleAssignments: Record<string, Record<string, RoleAssignmentState>>;
}

export async function takeSnapshot(
  tenant: TenantAdmin,
  now: Date,
  parts: { roles: boolean } = { roles: true },
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
  }
  return snapshot;
}
