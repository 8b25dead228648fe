// Compares two snapshots into governance events (pure, deterministic order).
import type { GovernanceEvent } from './events.js';
import type { GovernanceSnapshot } from './snapshot.js';

const sortedKeys = (o: Record<string, unknown>) => Object.keys(o).sort();

/** Holdings present only now (added) or only before (removed), each in key order. */
const roleChanges = (was: Record<string, unknown>, now: Record<string, unknown>) => [
  ...sortedKeys(now)
    .filter((k) => !was[k])
    .map((k) => [k, 'role.added'] as const),
  ...sortedKeys(was)
    .filter((k) => !now[k])
    .map((k) => [k, 'role.removed'] as const),
];

export function diffSnapshots(before: GovernanceSnapshot, after: GovernanceSnapshot): GovernanceEvent[] {
  const events: GovernanceEvent[] = [];
  const envName = (id: string) => after.environments[id]?.displayName ?? before.environments[id]?.displayName ?? id;

  for (const id of sortedKeys(after.environments)) {
    const now = after.environments[id];
    const was = before.environments[id];
    if (!now) continue;
    if (!was) events.push({ type: 'environment.created', environmentId: id, name: now.displayName, sku: now.sku });
    else if (was.sku !== now.sku)
      events.push({
        type: 'environment.type-changed',
        environmentId: id,
        name: now.displayName,
        from: was.sku,
        to: now.sku,
      });
  }
  for (const id of sortedKeys(before.environments)) {
    const was = before.environments[id];
    if (was && !after.environments[id])
      events.push({ type: 'environment.deleted', environmentId: id, name: was.displayName, sku: was.sku });
  }

  for (const name of sortedKeys(after.dlpPolicies)) {
    const now = after.dlpPolicies[name];
    const was = before.dlpPolicies[name];
    if (!now) continue;
    const common = {
      policy: name,
      name: now.displayName,
      environmentType: now.environmentType,
      environments: now.environments,
    };
    if (!was) {
      events.push({ type: 'dlp.created', ...common });
      continue;
    }
    const moved = [];
    for (const id of [...new Set([...Object.keys(was.connectors), ...Object.keys(now.connectors)])].sort()) {
      const from = was.connectors[id] ?? `${was.defaultClassification} (default)`;
      const to = now.connectors[id] ?? `${now.defaultClassification} (default)`;
      if (from !== to)
        moved.push({ connectorId: id, connector: now.connectorNames[id] ?? was.connectorNames[id] ?? id, from, to });
    }
    const environmentsAdded = now.environments.filter((e) => !was.environments.includes(e));
    const environmentsRemoved = was.environments.filter((e) => !now.environments.includes(e));
    const scope =
      was.environmentType !== now.environmentType ? { from: was.environmentType, to: now.environmentType } : undefined;
    const defaultGroup =
      was.defaultClassification !== now.defaultClassification
        ? { from: was.defaultClassification, to: now.defaultClassification }
        : undefined;
    if (moved.length || environmentsAdded.length || environmentsRemoved.length || scope || defaultGroup)
      events.push({
        type: 'dlp.changed',
        ...common,
        moved,
        environmentsAdded,
        environmentsRemoved,
        scope,
        defaultGroup,
      });
  }
  for (const name of sortedKeys(before.dlpPolicies)) {
    const was = before.dlpPolicies[name];
    if (was && !after.dlpPolicies[name])
      events.push({
        type: 'dlp.deleted',
        policy: name,
        name: was.displayName,
        environmentType: was.environmentType,
        environments: was.environments,
      });
  }

  // An empty catalogue before means "not read yet": do not announce the whole catalogue as new.
  if (Object.keys(before.connectors).length > 0)
    for (const id of sortedKeys(after.connectors)) {
      const c = after.connectors[id];
      if (c && !before.connectors[id])
        events.push({
          type: 'connector.added',
          connectorId: id,
          name: c.displayName,
          tier: c.tier,
          publisher: c.publisher,
        });
    }

  for (const envId of sortedKeys(after.roleAssignments)) {
    const was = before.roleAssignments[envId];
    if (!was) continue; // a new environment: its first assignments are part of its creation
    const now = after.roleAssignments[envId] ?? {};
    for (const [key, type] of roleChanges(was, now)) {
      const a = now[key] ?? was[key];
      if (!a) continue;
      events.push({
        type,
        environmentId: envId,
        environment: envName(envId),
        role: a.role,
        principalId: a.principalId,
        principalType: a.principalType,
        principal: a.principalName ?? a.principalId,
      });
    }
  }

  for (const envId of sortedKeys(after.dataverseRoles ?? {})) {
    const was = before.dataverseRoles?.[envId];
    if (!was) continue; // an org seen for the first time (new, newly provisioned, newly watched): its baseline
    const now = after.dataverseRoles?.[envId] ?? {};
    for (const [key, type] of roleChanges(was, now)) {
      const h = now[key] ?? was[key];
      if (!h) continue;
      events.push({
        type,
        environmentId: envId,
        environment: envName(envId),
        role: h.role,
        principalId: h.userId,
        principalType: h.application ? 'Application' : 'User',
        principal: h.displayName ?? h.userId,
        via: 'dataverse',
      });
    }
  }
  return events;
}
