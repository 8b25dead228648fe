// What unblocking a connector would touch, for the approval card: the policies that change and how far they
// reach, the apps and flows that use the connector where it would change, and the tenant-wide blast radius.
import type { ConnectorRef, DlpImpact } from '../requests/model.js';
import type { DlpPolicy, Environment, InventoryItem } from '../tenant/tenant-admin.js';
import { exceptionPossible, reclassify } from './changes.js';
import { effectiveClassification, sameConnector } from './classification.js';
import { appliesTo, coveredEnvironments } from './scope.js';

/**
 * Environments where the connector is blocked now and would not be after moving it out of Blocked in every
 * blocking policy (another policy may still block it elsewhere, so those environments do not count).
 */
export function tenantWideReach(
  policies: DlpPolicy[],
  blocking: DlpPolicy[],
  environments: Environment[],
  connector: ConnectorRef,
): Environment[] {
  const names = new Set(blocking.map((p) => p.name));
  const after = policies.map((p) => (names.has(p.name) ? reclassify(p, connector, 'General') : p));
  return environments.filter(
    (env) =>
      effectiveClassification(policies, env.id, connector.id).classification === 'Blocked' &&
      effectiveClassification(after, env.id, connector.id).classification !== 'Blocked',
  );
}

export function computeImpact(input: {
  policies: DlpPolicy[];
  blocking: DlpPolicy[];
  environments: Environment[];
  environment: { id: string };
  connector: ConnectorRef;
  /** Inventory of the environments in reach (the caller decides which to read). */
  inventory: InventoryItem[];
}): DlpImpact {
  const allIds = input.environments.map((e) => e.id);
  const reach = tenantWideReach(input.policies, input.blocking, input.environments, input.connector);
  const nameOf = new Map(input.environments.map((e) => [e.id.toLowerCase(), e.displayName]));
  const requested = input.environment.id.toLowerCase();
  const resources = input.inventory
    .filter((item) => item.connectorIds.some((id) => sameConnector(id, input.connector.id)))
    // The requested environment first: that is what the narrow exception changes.
    .sort(
      (a, b) =>
        Number(b.environmentId.toLowerCase() === requested) - Number(a.environmentId.toLowerCase() === requested) ||
        a.displayName.localeCompare(b.displayName),
    )
    .map((item) => ({
      kind: item.kind,
      displayName: item.displayName,
      environment: nameOf.get(item.environmentId.toLowerCase()) ?? item.environmentId,
      environmentId: item.environmentId,
      state: item.state,
    }));
  // Covered by a blocking policy but out of reach: another policy blocks the connector there too.
  const reachIds = new Set(reach.map((e) => e.id.toLowerCase()));
  const blockingNames = new Set(input.blocking.map((p) => p.name));
  const kept = input.environments.filter(
    (env) => !reachIds.has(env.id.toLowerCase()) && input.blocking.some((p) => appliesTo(p, env.id)),
  );
  const keepers = new Set(
    kept.flatMap((env) =>
      effectiveClassification(input.policies, env.id, input.connector.id)
        .blocking.filter((p) => !blockingNames.has(p.name))
        .map((p) => p.displayName),
    ),
  );
  return {
    policies: input.blocking.map((p) => ({
      name: p.name,
      displayName: p.displayName,
      environmentType: p.environmentType,
      coveredEnvironments: coveredEnvironments(p, allIds).length,
      exceptionPossible: exceptionPossible(p, input.environment.id),
    })),
    resources,
    tenantWideEnvironments: reach.length,
    keptBlocked: { environments: kept.map((e) => e.displayName), policies: [...keepers] },
  };
}
