// Takes the Environment Maker role away again: at the end of a time-bound grant, and when the maker gives it up.
// Reads first, so a repeated run (a retried job, a resumed execution) never revokes twice.
import type { EnvironmentRef } from '../requests/model.js';
import type { TenantAdmin } from '../tenant/tenant-admin.js';

/** What was done, in words for the audit and the requester. */
export async function removeMakerRole(tenant: TenantAdmin, env: EnvironmentRef, userId: string): Promise<string[]> {
  if (!(await tenant.hasEnvironmentRole(env, userId, 'EnvironmentMaker'))) return ['the role was already removed'];
  await tenant.revokeEnvironmentRole(env, userId, 'EnvironmentMaker');
  return [`Environment Maker role removed in ${env.displayName}`];
}
