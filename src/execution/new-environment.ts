// Creates an environment: POST once, store the operation's Location before polling (a restart resumes the
// polling and never POSTs again), follow the stages honouring Retry-After, wait until the environment and its
// Dataverse org are Ready, then make the requester Environment Admin (BAP role or Dataverse System Administrator).

import { failpoint } from '../failpoints.js';
import type { NewEnvironmentDetails } from '../requests/model.js';
import { environmentRef } from '../requests/preparers/lookup.js';
import { AdminApiError, type Environment, type LifecycleOperation } from '../tenant/tenant-admin.js';
import { type ExecutionContext, type ExecutionHandler, ExecutionRefusal } from './executor.js';
import { grantWaitingForLicence } from './licence-wait.js';

export const LIMITS = {
  /** POST attempts while another lifecycle operation keeps the tenant busy (409 OperationNotStartable). */
  notStartableAttempts: 10,
  notStartableWaitMs: 60_000,
  /** Polls of the lifecycle operation, and the wait when the service gives no Retry-After. */
  maxPolls: 720,
  defaultPollMs: 5_000,
  /** Reads of the new environment until it (and its Dataverse org) is Ready. */
  maxReadyReads: 60,
  readyWaitMs: 10_000,
};

const STAGE_STEP = (stage: string) => `Creation stage: ${stage}`;
const START_STEP = 'Send the creation request';

interface CreationCheckpoint {
  createRequestedAt?: string;
  operationUrl?: string;
  environmentId?: string;
  created?: boolean;
}

export const createEnvironment: ExecutionHandler = async (ctx) => {
  const request = ctx.request();
  const d = request.details;
  if (d.type !== 'new-environment') throw new ExecutionRefusal('WrongType', 'Not a new-environment request.');
  const user = await ctx.tenant.getUser(request.requester.id);
  if (!user)
    throw new ExecutionRefusal('UserNotFound', `${request.requester.displayName} is no longer in the directory.`);

  let environmentId = await start(ctx, d, user.id);
  const cp = ctx.checkpoint() as CreationCheckpoint;
  if (!environmentId && cp.operationUrl) environmentId = await follow(ctx, d, cp.operationUrl);
  if (!environmentId)
    throw new ExecutionRefusal(
      'NoEnvironment',
      `The service did not say which environment it created for ${d.displayName}.`,
    );

  const env = await waitUntilReady(ctx, d, environmentId);
  const ref = environmentRef(env);
  const adminStep = `Make ${user.displayName} Environment Admin`;
  await ctx.progress(adminStep, 'running');
  const held = await ctx.tenant.hasEnvironmentRole(ref, user.id, 'EnvironmentAdmin');
  if (!held) await grantWaitingForLicence(ctx, ref, user, 'EnvironmentAdmin');
  if (!(await ctx.tenant.hasEnvironmentRole(ref, user.id, 'EnvironmentAdmin'))) {
    await ctx.progress(adminStep, 'failed');
    throw new ExecutionRefusal(
      'NotVerified',
      `${env.displayName} was created, but it does not show ${user.displayName} as Environment Admin yet.`,
    );
  }
  await ctx.progress(adminStep, 'done');
  return {
    environment: env.displayName,
    environmentId: env.id,
    link: `https://make.powerapps.com/environments/${env.id}/home`,
    environmentAdmin: user.displayName,
    adminPath: env.hasDataverse ? 'dataverse-security-role' : 'bap-role-assignment',
    ...(env.instanceUrl ? { dataverseUrl: env.instanceUrl } : {}),
  };
};

/**
 * Sends the POST unless an earlier attempt did. Returns the environment id when it is already known
 * (synchronous create, or a resumed run); otherwise the Location is in the checkpoint.
 */
async function start(ctx: ExecutionContext, d: NewEnvironmentDetails, ownerId: string): Promise<string | undefined> {
  const cp = ctx.checkpoint() as CreationCheckpoint;
  if (cp.environmentId) return cp.environmentId;
  if (cp.operationUrl) return undefined;
  if (cp.createRequestedAt) {
    // An earlier attempt sent the POST but stopped before storing its Location: adopt what it created.
    const adopted = (await ctx.tenant.listEnvironments()).find(
      (e) =>
        e.displayName.toLowerCase() === d.displayName.toLowerCase() &&
        (!e.createdTime || e.createdTime >= cp.createRequestedAt!),
    );
    if (adopted) {
      await ctx.progress(START_STEP, 'done', { environmentId: adopted.id, created: true });
      return adopted.id;
    }
  }
  await ctx.progress(START_STEP, 'running', { createRequestedAt: ctx.clock().toISOString() });
  for (let attempt = 1; ; attempt++) {
    try {
      const started = await ctx.tenant.startEnvironmentCreation(d, ownerId);
      failpoint('execution.after-environment-post');
      if (started.kind === 'created') {
        await ctx.progress(START_STEP, 'done', { environmentId: started.environmentId, created: true });
        return started.environmentId;
      }
      // Stored before the first poll: from here on a restart polls this URL and never POSTs again.
      await ctx.progress(START_STEP, 'done', { operationUrl: started.operationUrl });
      return undefined;
    } catch (error) {
      const busy =
        error instanceof AdminApiError &&
        error.status === 409 &&
        ['OperationNotStartable', 'HTTP_409'].includes(error.code);
      if (!busy) {
        await ctx.progress(START_STEP, 'failed');
        throw error;
      }
      if (attempt >= LIMITS.notStartableAttempts) {
        await ctx.progress(START_STEP, 'failed');
        throw new ExecutionRefusal(
          'OperationNotStartable',
          `Another environment operation kept the tenant busy, so ${d.displayName} could not be started after ${attempt} tries. Nothing was created; approve a new request once the other operation has finished.`,
        );
      }
      await ctx.sleep(LIMITS.notStartableWaitMs);
    }
  }
}

/** Polls the lifecycle operation until it ends, recording each stage as progress. Returns the environment id. */
async function follow(
  ctx: ExecutionContext,
  d: NewEnvironmentDetails,
  operationUrl: string,
): Promise<string | undefined> {
  for (let poll = 1; poll <= LIMITS.maxPolls; poll++) {
    const op = await ctx.tenant.getLifecycleOperation(operationUrl);
    await reportStages(ctx, op);
    if (op.state === 'Succeeded') {
      const id = op.environmentId ?? (await findByName(ctx, d))?.id;
      // Its own step, so the new id is checkpointed (and audited) once, next to a line that says what happened.
      if (id) await ctx.progress(`${d.displayName} created`, 'done', { environmentId: id, created: true });
      return id;
    }
    if (op.state === 'Failed') {
      throw new ExecutionRefusal(
        op.error?.code ?? 'CreationFailed',
        `Creating ${d.displayName} failed${op.error?.message ? `: ${op.error.message}` : ''}.`,
      );
    }
    await ctx.sleep(op.retryAfterSeconds !== undefined ? op.retryAfterSeconds * 1000 : LIMITS.defaultPollMs);
  }
  throw new ExecutionRefusal(
    'CreationTimedOut',
    `${d.displayName} was still being created after ${LIMITS.maxPolls} checks; an admin should look at it in the admin center.`,
  );
}

const STAGE_STATE: Record<string, 'running' | 'done' | 'failed'> = {
  Running: 'running',
  Succeeded: 'done',
  Failed: 'failed',
};

/** Only stage changes become progress, so the cards are edited once per change, not once per poll. */
async function reportStages(ctx: ExecutionContext, op: LifecycleOperation) {
  const shown = new Map(ctx.request().execution.progress.map((p) => [p.step, p.state]));
  for (const stage of op.stages) {
    const state = STAGE_STATE[stage.state];
    if (!state || shown.get(STAGE_STEP(stage.id)) === state) continue;
    await ctx.progress(STAGE_STEP(stage.id), state);
  }
}

async function findByName(ctx: ExecutionContext, d: NewEnvironmentDetails): Promise<Environment | undefined> {
  return (await ctx.tenant.listEnvironments()).find((e) => e.displayName.toLowerCase() === d.displayName.toLowerCase());
}

async function waitUntilReady(ctx: ExecutionContext, d: NewEnvironmentDetails, id: string): Promise<Environment> {
  const step = `Wait for ${d.displayName}${d.dataverse ? ' and its Dataverse database' : ''} to be ready`;
  await ctx.progress(step, 'running');
  for (let read = 1; read <= LIMITS.maxReadyReads; read++) {
    const env = await ctx.tenant.getEnvironment(id);
    const ready = env?.state === 'Ready' && (!d.dataverse || (env.hasDataverse && env.instanceState === 'Ready'));
    if (env && ready) {
      await ctx.progress(step, 'done');
      return env;
    }
    await ctx.sleep(LIMITS.readyWaitMs);
  }
  await ctx.progress(step, 'failed');
  throw new ExecutionRefusal(
    'NotReady',
    `${d.displayName} was created but is not ready yet; an admin should check it in the admin center.`,
  );
}
