// Unblocks a connector in the policies the approver saw: per policy, either a narrow exception (an
// environment-scoped copy, then the environment taken out of the original) or a tenant-wide move out of
// Blocked. Each policy is re-read just before it is written (etag), verified by reading it back, and
// checkpointed, so a resumed run never redoes a policy and a half-way failure says what changed and what not.

import { exceptionPolicy, exceptionPolicyName, reclassify, withoutEnvironment } from '../dlp/changes.js';
import { CLASSIFICATION_LABEL, classificationIn, effectiveClassification } from '../dlp/classification.js';
import { appliesTo } from '../dlp/scope.js';
import type { ConnectorUnblockDetails } from '../requests/model.js';
import { AdminApiError, type DlpPolicy } from '../tenant/tenant-admin.js';
import { type ExecutionContext, type ExecutionHandler, ExecutionRefusal } from './executor.js';

/** Writes attempted per policy when someone else keeps changing it between our read and our write. */
export const STALE_ETAG_ATTEMPTS = 3;

/** What has been done to one policy, stored in the checkpoint under `dlp`. */
interface PolicyProgress {
  /** Name of the exception policy created for this one. */
  exceptionPolicy?: string;
  /** The environment was taken out of this policy's scope. */
  carvedOut?: boolean;
  /** The connector was moved out of Blocked in this policy. */
  reclassified?: boolean;
  /** When first read, the policy no longer blocked the connector in the environment: left alone. */
  notNeeded?: boolean;
}
type Checkpoint = Record<string, PolicyProgress>;

function isStale(error: unknown): boolean {
  return error instanceof AdminApiError && (error.status === 412 || error.status === 409);
}

export const unblockConnector: ExecutionHandler = async (ctx) => {
  const request = ctx.request();
  const d = request.details;
  if (d.type !== 'connector-unblock') throw new ExecutionRefusal('WrongType', 'Not a connector-unblock request.');
  const run = new UnblockRun(ctx, d);
  for (const policy of d.blockingPolicies) await run.policy(policy);
  return run.verify();
};

class UnblockRun {
  private readonly target: 'Confidential' | 'General';
  private readonly label: string;

  constructor(
    private readonly ctx: ExecutionContext,
    private readonly d: ConnectorUnblockDetails,
  ) {
    this.target = d.classification;
    this.label = CLASSIFICATION_LABEL[d.classification];
  }

  private done(): Checkpoint {
    return structuredClone((this.ctx.checkpoint().dlp as Checkpoint | undefined) ?? {});
  }

  private async save(step: string, state: 'running' | 'done' | 'failed', name: string, patch: PolicyProgress) {
    const dlp = this.done();
    dlp[name] = { ...dlp[name], ...patch };
    await this.ctx.progress(step, state, { dlp });
  }

  private finished(progress: PolicyProgress | undefined): boolean {
    return Boolean(progress?.reclassified || progress?.notNeeded || (progress?.exceptionPolicy && progress.carvedOut));
  }

  async policy(ref: { name: string; displayName: string }): Promise<void> {
    const progress = this.done()[ref.name];
    if (this.finished(progress)) return; // changed by an earlier attempt
    const env = this.d.environment;
    const connector = this.d.connector;
    const current = await this.read(ref);
    if (!progress && (!appliesTo(current, env.id) || classificationIn(current, connector.id) !== 'Blocked')) {
      // Changed since the request was filed (by someone else, or by a run that stopped before its checkpoint).
      const now = classificationIn(current, connector.id);
      const mine = appliesTo(current, env.id) && now === this.target;
      const step = mine
        ? `"${ref.displayName}": ${connector.displayName} Blocked → ${this.label}`
        : `"${ref.displayName}": no longer blocks ${connector.displayName} in ${env.displayName}`;
      await this.save(step, 'done', ref.name, mine ? { reclassified: true } : { notNeeded: true });
      return;
    }
    const narrow =
      this.d.scope === 'exception' &&
      (progress?.exceptionPolicy !== undefined || withoutEnvironment(current, env.id) !== undefined);
    const step = narrow
      ? `"${ref.displayName}": exception for ${env.displayName}`
      : `"${ref.displayName}": ${connector.displayName} Blocked → ${this.label}`;
    await this.ctx.progress(step, 'running');
    try {
      if (narrow) await this.exception(ref, step);
      else await this.tenantWide(ref, step);
    } catch (error) {
      await this.ctx.progress(step, 'failed');
      throw this.halfway(ref, error);
    }
  }

  private async read(ref: { name: string; displayName: string }): Promise<DlpPolicy> {
    const policy = await this.ctx.tenant.getDlpPolicy(ref.name);
    if (!policy) throw new ExecutionRefusal('PolicyNotFound', `The policy "${ref.displayName}" no longer exists.`);
    return policy;
  }

  /** Re-read, edit, write with the fresh etag; on a stale etag read again, a bounded number of times. */
  private async rewrite(ref: { name: string; displayName: string }, edit: (fresh: DlpPolicy) => DlpPolicy | undefined) {
    for (let attempt = 1; ; attempt++) {
      const fresh = await this.read(ref);
      const next = edit(fresh);
      if (!next) return; // already as wanted
      try {
        await this.ctx.tenant.updateDlpPolicy(next);
        return;
      } catch (error) {
        if (!isStale(error) || attempt >= STALE_ETAG_ATTEMPTS) {
          if (isStale(error)) {
            throw new ExecutionRefusal(
              'PolicyKeptChanging',
              `"${ref.displayName}" was changed by someone else each time I tried to write it (${STALE_ETAG_ATTEMPTS} attempts, last: ${(error as AdminApiError).code}).`,
            );
          }
          throw error;
        }
      }
    }
  }

  private async tenantWide(ref: { name: string; displayName: string }, step: string) {
    const connector = this.d.connector;
    await this.rewrite(ref, (fresh) =>
      classificationIn(fresh, connector.id) === this.target ? undefined : reclassify(fresh, connector, this.target),
    );
    const check = await this.read(ref);
    if (classificationIn(check, connector.id) !== this.target) {
      throw new ExecutionRefusal(
        'NotVerified',
        `"${ref.displayName}" was written but still shows ${connector.displayName} as ${CLASSIFICATION_LABEL[classificationIn(check, connector.id)]}.`,
      );
    }
    await this.save(step, 'done', ref.name, { reclassified: true });
  }

  private async exception(ref: { name: string; displayName: string }, step: string) {
    const env = this.d.environment;
    const connector = this.d.connector;
    // 1. The copy first: until the original lets go of the environment, both cover it and the original still
    //    blocks, so a failure between the two writes never loosens anything.
    let copyName = this.done()[ref.name]?.exceptionPolicy;
    if (!copyName) {
      const original = await this.read(ref);
      const wanted = exceptionPolicyName(original, env);
      // A crash after the create but before the checkpoint left the copy behind: adopt it, never create twice.
      const existing = (await this.ctx.tenant.listDlpPolicies()).find((p) => p.displayName === wanted);
      const copy =
        existing ?? (await this.ctx.tenant.createDlpPolicy(exceptionPolicy(original, env, connector, this.target)));
      const check = await this.ctx.tenant.getDlpPolicy(copy.name);
      if (!check || !appliesTo(check, env.id) || classificationIn(check, connector.id) !== this.target) {
        throw new ExecutionRefusal(
          'NotVerified',
          `The exception policy "${wanted}" does not show ${connector.displayName} as ${this.label} for ${env.displayName}.`,
        );
      }
      copyName = copy.name;
      await this.save(step, 'running', ref.name, { exceptionPolicy: copyName });
    }
    // 2. Take the environment out of the original.
    await this.rewrite(ref, (fresh) => withoutEnvironment(fresh, env.id));
    const check = await this.read(ref);
    if (appliesTo(check, env.id)) {
      throw new ExecutionRefusal(
        'NotVerified',
        `"${ref.displayName}" was written but still covers ${env.displayName}.`,
      );
    }
    await this.save(step, 'done', ref.name, { carvedOut: true });
  }

  /** The failure in words that name exactly which policies were changed and which were not. */
  private halfway(failing: { name: string; displayName: string }, error: unknown): Error {
    const done = this.done();
    const changed: string[] = [];
    const unchanged: string[] = [];
    for (const p of this.d.blockingPolicies) {
      const progress = done[p.name];
      if (progress?.notNeeded) unchanged.push(`"${p.displayName}" (it no longer blocked the connector)`);
      else if (this.finished(progress)) changed.push(`"${p.displayName}"`);
      else if (progress?.exceptionPolicy)
        changed.push(
          `"${p.displayName}" (only its exception policy was created; ${this.d.environment.displayName} is still covered by the original, so the connector stays blocked)`,
        );
      else unchanged.push(`"${p.displayName}"`);
    }
    const summary = `Changed: ${changed.length ? changed.join(', ') : 'none'}. Not changed: ${unchanged.length ? unchanged.join(', ') : 'none'}.`;
    if (error instanceof AdminApiError) {
      return new AdminApiError(
        error.status,
        error.code,
        `Updating "${failing.displayName}" failed: ${error.message}. ${summary}`,
        error.method,
        error.url,
      );
    }
    if (error instanceof ExecutionRefusal) return new ExecutionRefusal(error.code, `${error.message} ${summary}`);
    return new ExecutionRefusal(
      'UnexpectedError',
      `Updating "${failing.displayName}" failed: ${error instanceof Error ? error.message : String(error)}. ${summary}`,
    );
  }

  /** Reads every policy again: the connector must no longer be blocked in the environment. */
  async verify(): Promise<Record<string, unknown>> {
    const env = this.d.environment;
    const connector = this.d.connector;
    const step = `Check ${connector.displayName} is allowed in ${env.displayName}`;
    await this.ctx.progress(step, 'running');
    const after = effectiveClassification(await this.ctx.tenant.listDlpPolicies(), env.id, connector.id);
    if (after.classification === 'Blocked') {
      await this.ctx.progress(step, 'failed');
      const names = after.blocking.map((p) => `"${p.displayName}"`).join(', ');
      throw new ExecutionRefusal(
        'StillBlocked',
        `The approved policies were changed, but ${names} still block${after.blocking.length === 1 ? 's' : ''} ${connector.displayName} in ${env.displayName} (a policy changed after the request was filed). Ask again to review the new policy.`,
      );
    }
    await this.ctx.progress(step, 'done');
    return this.describeChange();
  }

  /**
   * The change actually made, by name: the policies changed, the exception policies created (display names,
   * never a bare id) and the environments that gained the connector. Read back from the tenant after the writes.
   */
  private async describeChange(): Promise<Record<string, unknown>> {
    const env = this.d.environment;
    const connector = this.d.connector;
    const done = this.done();
    const policies = await this.ctx.tenant.listDlpPolicies();
    const byName = new Map(policies.map((p) => [p.name, p]));
    const changed = this.d.blockingPolicies.filter((p) => {
      const progress = done[p.name];
      return progress?.reclassified || progress?.carvedOut;
    });
    const exceptions = Object.values(done).flatMap((p) =>
      p.exceptionPolicy ? [byName.get(p.exceptionPolicy)?.displayName ?? p.exceptionPolicy] : [],
    );
    // Reclassified policies open the connector wherever they apply; an exception opens it in one environment.
    const reclassified = this.d.blockingPolicies.flatMap((p) => {
      const policy = done[p.name]?.reclassified ? byName.get(p.name) : undefined;
      return policy ? [policy] : [];
    });
    const environments = reclassified.length > 0 ? await this.ctx.tenant.listEnvironments() : [];
    const gained = new Set<string>();
    for (const e of environments) {
      if (!reclassified.some((p) => appliesTo(p, e.id))) continue;
      const now = effectiveClassification(policies, e.id, connector.id).classification;
      if (now !== 'Blocked') gained.add(e.displayName);
    }
    gained.add(env.displayName); // verified above: no policy blocks it there any more
    return {
      connector: connector.displayName,
      environment: env.displayName,
      classification: this.label,
      scope: this.d.scope,
      changedPolicies: changed.map((p) => p.displayName),
      exceptionPolicies: exceptions,
      environmentsGained: [...gained].sort((a, b) => a.localeCompare(b)),
    };
  }
}
