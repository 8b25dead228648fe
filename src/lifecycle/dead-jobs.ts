// Where a dead job goes (JobRunner's onDead): its owner records the end, so nothing dies silently. An
// execute job fails its request (cards and requester told), a revert is raised to admins, and every dead job
// is audited once. Called at least once per dead job, so each step is idempotent.
import type { Executor } from '../execution/executor.js';
import { EXECUTE_JOB } from '../requests/governance-service.js';
import type { LifecycleService } from '../requests/lifecycle-service.js';
import type { Job, Store } from '../requests/ports/store.js';
import { LIFECYCLE_JOBS } from './jobs.js';

export interface DeadJobOwners {
  store: Store;
  executor: Executor;
  lifecycle: LifecycleService;
  clock: () => Date;
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');

export function deadJobReporter(owners: DeadJobOwners): (job: Job) => Promise<void> {
  return async (job) => {
    const requestId = text(job.payload.requestId) || undefined;
    if (job.kind === EXECUTE_JOB) await owners.executor.abandon(job);
    if (job.kind === LIFECYCLE_JOBS.revert && requestId) {
      await owners.lifecycle.revertDied(requestId, text(job.payload.endsAt), job.attempts, job.lastError ?? 'unknown');
    }
    await owners.store.transaction(async (session) => {
      if (!(await session.kv.setIfAbsent(`jobs:dead-audited:${job.id}`, owners.clock().toISOString()))) return;
      await session.audit.append({
        at: owners.clock().toISOString(),
        actorId: 'system',
        action: 'job.dead',
        outcome: 'failure',
        requestId,
        targetType: 'job',
        targetId: String(job.id),
        details: { kind: job.kind, attempts: job.attempts, error: job.lastError },
      });
    });
  };
}
