// The two ways to unblock a connector, as pure edits of policies the caller has just read:
// - tenant-wide: move the connector from Blocked to the chosen group in the blocking policy;
// - narrow exception: take the environment out of the blocking policy's scope and cover it with an
//   environment-scoped copy that keeps every other rule of the original and classifies the connector as asked.
import type { ConnectorRef, EnvironmentRef } from '../requests/model.js';
import type { DlpPolicy } from '../tenant/tenant-admin.js';
import { sameConnector } from './classification.js';
import { appliesTo, sameEnvId } from './scope.js';

export type NewDlpPolicy = Omit<DlpPolicy, 'name' | 'etag' | 'raw'> & { raw?: Record<string, unknown> };

/** The policy with the connector in exactly one group, the target one (every other entry untouched). */
export function reclassify(policy: DlpPolicy, connector: ConnectorRef, target: 'Confidential' | 'General'): DlpPolicy {
  const existing = policy.connectorGroups.flatMap((g) => g.connectors).find((c) => sameConnector(c.id, connector.id));
  const entry = existing ?? { id: connector.id, name: connector.displayName, type: 'Microsoft.PowerApps/apis' };
  const groups = policy.connectorGroups.map((g) => ({
    classification: g.classification,
    connectors: g.connectors.filter((c) => !sameConnector(c.id, connector.id)),
  }));
  const targetGroup = groups.find((g) => g.classification === target);
  if (targetGroup) targetGroup.connectors.push(entry);
  else groups.push({ classification: target, connectors: [entry] });
  return { ...policy, connectorGroups: groups };
}

/**
 * Whether the environment can be carved out of the policy. A policy that covers only this environment is
 * already as narrow as it gets: changing it in place affects no other environment.
 */
export function exceptionPossible(policy: DlpPolicy, environmentId: string): boolean {
  if (!appliesTo(policy, environmentId)) return false;
  if (policy.environmentType === 'SingleEnvironment') return false;
  if (policy.environmentType === 'OnlyEnvironments')
    return policy.environments.some((e) => !sameEnvId(e, environmentId));
  return true;
}

/** The policy with the environment out of its scope; undefined when that is not possible (see exceptionPossible). */
export function withoutEnvironment(policy: DlpPolicy, environmentId: string): DlpPolicy | undefined {
  if (!exceptionPossible(policy, environmentId)) return undefined;
  switch (policy.environmentType) {
    case 'AllEnvironments':
      return { ...policy, environmentType: 'ExceptEnvironments', environments: [environmentId] };
    case 'ExceptEnvironments':
      return { ...policy, environments: [...policy.environments, environmentId] };
    case 'OnlyEnvironments':
      return { ...policy, environments: policy.environments.filter((e) => !sameEnvId(e, environmentId)) };
    default:
      return undefined;
  }
}

/** A stable name, so a resumed run finds the exception it created before a crash instead of creating another. */
export function exceptionPolicyName(original: { displayName: string }, environment: EnvironmentRef): string {
  return `${original.displayName} (exception for ${environment.displayName})`.slice(0, 256);
}

/** The environment-scoped copy: every rule of the original (groups, default group, connector configurations). */
export function exceptionPolicy(
  original: DlpPolicy,
  environment: EnvironmentRef,
  connector: ConnectorRef,
  target: 'Confidential' | 'General',
): NewDlpPolicy {
  const moved = reclassify(original, connector, target);
  return {
    displayName: exceptionPolicyName(original, environment),
    environmentType: 'OnlyEnvironments',
    environments: [environment.id],
    defaultConnectorsClassification: original.defaultConnectorsClassification,
    connectorGroups: moved.connectorGroups,
    raw: structuredClone(original.raw),
  };
}
