// Carries out a confirmed release of one's own access, through the same calls as the end of a time-bound grant:
// the maker role revoked (src/lifecycle/revert-maker-role.ts), or the connector exception reverted from the
// grant's own checkpoint (src/lifecycle/revert-connector.ts). Both read before they write, so a resumed run
// changes nothing twice; then the grants it ended are marked as ended early.
import { effectiveClassification } from '../dlp/classification.js';
import { removeMakerRole } from '../lifecycle/revert-maker-role.js';
import type { ReleaseService } from '../requests/release-service.js';
import { type ExecutionHandler, ExecutionRefusal } from './executor.js';

export function releaseAccess(releases: ReleaseService): ExecutionHandler {
  return async (ctx) => {
    const request = ctx.request();
    const d = request.details;
    if (d.type !== 'release') throw new ExecutionRefusal('WrongType', 'Not a release request.');
    const env = d.environment;
    let steps: string[];
    if (d.access === 'maker-role') {
      const step = `Remove the Environment Maker role in ${env.displayName}`;
      await ctx.progress(step, 'running');
      steps = await removeMakerRole(ctx.tenant, env, request.requester.id);
      if (await ctx.tenant.hasEnvironmentRole(env, request.requester.id, 'EnvironmentMaker')) {
        await ctx.progress(step, 'failed');
        throw new ExecutionRefusal('NotVerified', `The role was removed but ${env.displayName} still shows it.`);
      }
      await ctx.progress(step, 'done');
    } else {
      const connector = d.connector?.displayName ?? 'the connector';
      const step = `End the ${connector} exception in ${env.displayName}`;
      await ctx.progress(step, 'running');
      const ended = d.grants[0] ? await releases.endException(ctx.tenant, d.grants[0]) : undefined;
      if (!ended) throw new ExecutionRefusal('GrantNotFound', `The exception's request ${d.grants[0]} is gone.`);
      steps = ended.steps;
      const now = d.connector
        ? effectiveClassification(await ctx.tenant.listDlpPolicies(), env.id, d.connector.id).classification
        : 'Blocked';
      await ctx.progress(step, 'done');
      if (ended.keptFor) {
        // The exception is per environment: it stays for the other request that still needs it (whose request it
        // is, is not this maker's to see; the audit names it).
        await ctx.progress(
          `${connector} stays allowed in ${env.displayName} because another request still needs it`,
          'done',
        );
      } else if (now !== 'Blocked') steps.push(`${connector} is still allowed in ${env.displayName} by another policy`);
    }
    await releases.closeGrants(ctx.request());
    return { access: d.access, environment: env.displayName, steps, endedEarly: d.grants };
  };
}
