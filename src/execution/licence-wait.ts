// A licence assigned in Entra takes minutes to reach the Power Platform: until then addUser answers userNotLicensed
// (Microsoft's Terraform provider retries it every 10 s for 9 minutes). When the directory already shows the user's
// Power Apps plan, the grant is retried with a bounded wait shown as its own step on the card, then fails clearly.
import type { EnvironmentRef } from '../requests/model.js';
import { AdminApiError, type DirectoryUser } from '../tenant/tenant-admin.js';
import { type ExecutionContext, ExecutionRefusal } from './executor.js';

export const LICENCE_WAIT = {
  /** Grant attempts in all (the first one included). */
  attempts: 55,
  /** Wait between attempts. */
  waitMs: 10_000,
};

function notLicensed(error: unknown): boolean {
  return (
    error instanceof AdminApiError &&
    (error.code.toLowerCase() === 'usernotlicensed' || /usernotlicensed/i.test(error.message))
  );
}

/** grantEnvironmentRole, waiting (bounded, visibly) while a licence the directory shows has not propagated. */
export async function grantWaitingForLicence(
  ctx: ExecutionContext,
  env: EnvironmentRef,
  user: DirectoryUser,
  role: 'EnvironmentMaker' | 'EnvironmentAdmin',
): Promise<void> {
  const step = `Wait for ${user.displayName}'s licence to reach ${env.displayName}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.tenant.grantEnvironmentRole(env, user, role);
      if (attempt > 1) await ctx.progress(step, 'done');
      return;
    } catch (error) {
      // Without a plan in the directory there is nothing to wait for: the failure says to assign one.
      if (!notLicensed(error) || !user.hasPowerAppsLicense) throw error;
      if (attempt >= LICENCE_WAIT.attempts) {
        await ctx.progress(step, 'failed');
        const minutes = Math.round(((attempt - 1) * LICENCE_WAIT.waitMs) / 60_000);
        throw new ExecutionRefusal(
          'LicenceNotPropagated',
          `${user.displayName} has a Power Apps licence in the directory, but ${env.displayName} still answered "not licensed" after ${minutes} minutes of waiting. Licence changes sometimes take longer to reach the Power Platform: nothing was granted; approve a new request later.`,
        );
      }
      if (attempt === 1) await ctx.progress(step, 'running');
      await ctx.sleep(LICENCE_WAIT.waitMs);
    }
  }
}
