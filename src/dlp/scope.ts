// Which DLP policies apply to an environment. A policy covers all environments, all except a list, only a
// list, or (an environment-level policy) exactly one; several may cover the same environment.
import type { DlpPolicy } from '../tenant/tenant-admin.js';

/** Lower-cased last path segment, so a bare id and an /environments/{id} path compare equal. */
export function sameEnvId(a: string, b: string): boolean {
  const norm = (s: string) => (s.split('/').filter(Boolean).pop() ?? s).toLowerCase();
  return norm(a) === norm(b);
}

function lists(policy: DlpPolicy, environmentId: string): boolean {
  return policy.environments.some((e) => sameEnvId(e, environmentId));
}

export function appliesTo(policy: DlpPolicy, environmentId: string): boolean {
  switch (policy.environmentType) {
    case 'AllEnvironments':
      return true;
    case 'ExceptEnvironments':
      return !lists(policy, environmentId);
    case 'OnlyEnvironments':
    case 'SingleEnvironment':
      return lists(policy, environmentId);
    default: {
      // Exhaustive on purpose: an unknown scope type must be handled here or the build fails.
      const never: never = policy.environmentType;
      return never;
    }
  }
}

export function policiesApplyingTo(policies: DlpPolicy[], environmentId: string): DlpPolicy[] {
  return policies.filter((p) => appliesTo(p, environmentId));
}

/** The ids (of allEnvironmentIds) that the policy covers. */
export function coveredEnvironments(policy: DlpPolicy, allEnvironmentIds: string[]): string[] {
  return allEnvironmentIds.filter((id) => appliesTo(policy, id));
}
