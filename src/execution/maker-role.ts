// Grants the Environment Maker role: BAP role assignment without Dataverse, Dataverse security role with it
// (the tenant adapter picks the path). Idempotent: a resumed run first checks whether the role is held.
import { failpoint } from '../failpoints.js';
import type { ExecutionHandler } from './executor.js';
import { ExecutionRefusal } from './executor.js';
import { grantWaitingForLicence } from './licence-wait.js';

export const grantMakerRole: ExecutionHandler = async (ctx) => {
  const request = ctx.request();
  if (request.details.type !== 'maker-role') throw new ExecutionRefusal('WrongType', 'Not a maker-role request.');
  const env = request.details.environment;
  const user = await ctx.tenant.getUser(request.requester.id);
  if (!user)
    throw new ExecutionRefusal('UserNotFound', `${request.requester.displayName} is no longer in the directory.`);
  if (!user.accountEnabled) throw new ExecutionRefusal('AccountDisabled', `${user.displayName}'s account is disabled.`);

  const step = env.hasDataverse
    ? 'Grant the Dataverse Environment Maker role'
    : 'Add the Environment Maker role assignment';
  await ctx.progress(step, 'running');
  // Whether the role was held before this request is stored before the grant: a run resumed after a crash that
  // followed the grant sees the role, and must not take it for the user's own (a time-bound grant's revert
  // leaves a role the user held before in place).
  const stored = ctx.checkpoint().heldBefore;
  const held = await ctx.tenant.hasEnvironmentRole(env, user.id, 'EnvironmentMaker');
  const heldBefore = typeof stored === 'boolean' ? stored : held;
  if (typeof stored !== 'boolean') await ctx.progress(step, 'running', { heldBefore });
  if (!held) {
    await grantWaitingForLicence(ctx, env, user, 'EnvironmentMaker');
    failpoint('execution.after-grant');
  }
  const verified = await ctx.tenant.hasEnvironmentRole(env, user.id, 'EnvironmentMaker');
  if (!verified) {
    await ctx.progress(step, 'failed');
    throw new ExecutionRefusal('NotVerified', `The role was granted but ${env.displayName} does not show it yet.`);
  }
  await ctx.progress(step, 'done');
  return {
    environment: env.displayName,
    path: env.hasDataverse ? 'dataverse-security-role' : 'bap-role-assignment',
    alreadyHeld: heldBefore,
  };
};
