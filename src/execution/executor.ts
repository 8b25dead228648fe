// Runs approved requests against the tenant: one handler per request type, progress checkpointed in the
// stored request so a restart resumes where it stopped and never repeats a finished step.
import { type FailpointName, failpoint } from '../failpoints.js';
import type { GovernanceService } from '../requests/governance-service.js';
import { ConcurrentUpdateError } from '../requests/governance-service.js';
import type { ApiCall, GovernanceRequest, RequestType } from '../requests/model.js';
import type { Job, Store } from '../requests/ports/store.js';
import { appendApiCalls, complete, fail, recordProgress, startExecution } from '../requests/state-machine.js';
import { AdminApiError, type TenantAdmin } from '../tenant/tenant-admin.js';
import { type JobLease, LeaseLost, PermanentJobError } from './job-runner.js';

export interface ExecutionContext {
  tenant: TenantAdmin;
  clock: () => Date;
  /** Marks a visible step (shown on the cards) and stores checkpoint facts with it. */
  progress(step: string, state: 'running' | 'done' | 'failed', checkpoint?: Record<string, unknown>): Promise<void>;
  /** The stored checkpoint (facts saved by earlier attempts). */
  checkpoint(): Record<string, unknown>;
  /** The request as stored now. */
  request(): GovernanceRequest;
  /** Waits, keeping the job's lease alive for the wait (each poll of a long-running operation goes through here). */
  sleep(ms: number): Promise<void>;
  /** Keeps the job's lease alive for another lease period (plus waitMs); progress() and sleep() already do. */
  keepAlive(waitMs?: number): Promise<void>;
}

/** A handler returns the result facts shown on the cards, or throws. */
export type ExecutionHandler = (ctx: ExecutionContext) => Promise<Record<string, unknown>>;

/** Runs fn and pushes every admin API call it makes into sink (even when fn throws). */
export type CallRecorder = <T>(fn: () => Promise<T>, sink: ApiCall[]) => Promise<T>;

export interface ExecutorDeps {
  store: Store;
  service: GovernanceService;
  tenant: TenantAdmin;
  clock: () => Date;
  handlers: Partial<Record<RequestType, ExecutionHandler>>;
  recordCalls: CallRecorder;
  sleep?: (ms: number) => Promise<void>;
}

/** Turns any failure into words an admin can act on, never a stack trace. */
export function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof AdminApiError) {
    const advice = adviceFor(error);
    return {
      code: error.code,
      message: `${error.message} (HTTP ${error.status} from ${error.method} ${pathOf(error.url)}).${advice ? ` ${advice}` : ''}`,
    };
  }
  if (error instanceof ExecutionRefusal) return { code: error.code, message: error.message };
  return { code: 'UnexpectedError', message: error instanceof Error ? error.message : String(error) };
}

/** What an admin can do about a failed admin API call, in one sentence (undefined when there is nothing useful to say). */
function adviceFor(error: AdminApiError): string | undefined {
  const code = error.code.toLowerCase();
  if (code.includes('usernotlicensed') || /usernotlicensed/i.test(error.message)) {
    return 'Assign the user a Power Apps licence, then ask again.';
  }
  if (code === 'domainnamealreadyinuse') return 'Choose another Dataverse domain name and ask again.';
  if (code.startsWith('insufficientcapacity')) return 'Free up or buy Dataverse database capacity, then ask again.';
  if (code === 'operationnotstartable')
    return 'Another environment operation is running; ask again once it has finished.';
  if (error.status === 412 || (error.status === 409 && code.includes('precondition'))) {
    return 'Someone changed it at the same time; ask again so the current state is reviewed.';
  }
  if (error.status === 401 || error.status === 403) {
    return "The bot's app registration is not allowed to do this; a tenant admin should check its Power Platform management-application registration and permissions.";
  }
  if (error.status === 404) return 'It no longer exists; check it in the Power Platform admin center.';
  if (error.retryable) return 'The service was unavailable after several retries; try again later.';
  return undefined;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** Why a request whose job died stopped, and what is known to be done, in words for admins and requester. */
function interruptedFailure(request: GovernanceRequest, job: Job): { code: string; message: string } {
  const crashed = /lease expired/i.test(job.lastError ?? '');
  const why = crashed
    ? 'the bot stopped while it was running'
    : `it kept failing${job.lastError ? ` (${job.lastError.slice(0, 300)})` : ''}`;
  const done = request.execution.progress.filter((p) => p.state === 'done').map((p) => p.step);
  return {
    code: 'ExecutionInterrupted',
    message: `The change was interrupted after ${job.attempts} attempt${job.attempts === 1 ? '' : 's'} because ${why}, and was not tried again. ${done.length ? `Done before it stopped: ${done.join('; ')}.` : 'No step had finished.'} An admin should check the tenant before this is asked again.`,
  };
}

/** A handler's way to fail the request for a known reason (no retry). */
export class ExecutionRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class Executor {
  constructor(private readonly deps: ExecutorDeps) {}

  private now() {
    return this.deps.clock().toISOString();
  }

  /**
   * Saves a new version of the request with its announcements and its audit record in ONE transaction
   * (so no step is stored without its record, or recorded without being stored), retrying on a concurrent
   * edit (e.g. receipt attach). When nothing changes, the audit record is still written.
   */
  private async persist(
    requestId: string,
    mutate: (current: GovernanceRequest) => GovernanceRequest | undefined,
    announce: 'cards' | 'all' | 'none',
    summary = '',
    audit?: StepAudit,
    crashPoint?: FailpointName,
    lease?: JobLease,
  ): Promise<GovernanceRequest> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.deps.store.requests.get(requestId);
      if (!current) throw new PermanentJobError(`request ${requestId} vanished`);
      const next = mutate(current);
      if (!next) {
        if (audit)
          await this.deps.store.transaction(async (session) => {
            await lease?.assertHeld(session);
            await session.audit.append(this.auditRecord(current, audit));
          });
        return current;
      }
      try {
        return await this.deps.store.transaction(async (session) => {
          // Fenced: a worker that lost the job (paused past its lease, taken over) writes nothing, all rolls back.
          await lease?.assertHeld(session);
          const stored = { ...next, version: current.version + 1 };
          if (!(await session.requests.update(stored, current.version))) throw new ConcurrentUpdateError(current.id);
          if (audit) await session.audit.append(this.auditRecord(stored, audit));
          if (announce === 'all') await this.deps.service.announce(session, stored, summary);
          if (announce === 'cards') await this.deps.service.publishProgressCards(session, stored);
          if (crashPoint) failpoint(crashPoint);
          return stored;
        });
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError)) throw error;
      }
    }
    throw new Error(`could not save ${requestId}: too many concurrent edits`);
  }

  /**
   * Job handler for execute-request jobs. Retryable failures are rethrown so the job runner retries them.
   * The lease is extended on every progress step and every wait, so a long creation is never taken over.
   */
  async run(job: Job, lease?: JobLease): Promise<void> {
    const requestId = String(job.payload.requestId ?? '');
    const request = await this.deps.store.requests.get(requestId);
    if (!request) throw new PermanentJobError(`unknown request ${requestId}`);
    if (request.status !== 'approved' && request.status !== 'executing') return; // done already, or never approved

    const handler = this.deps.handlers[request.type];
    const started = await this.persist(
      requestId,
      (r) => {
        const out = startExecution(r, this.now());
        return out.ok && out.request !== r ? out.request : undefined;
      },
      'cards',
      '',
      {
        action: request.status === 'executing' ? 'execution.resumed' : 'execution.started',
        outcome: 'info',
        calls: [],
      },
      undefined,
      lease,
    );

    let current = started;
    const calls: ApiCall[] = [];
    const wait = this.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const keepAlive = async (waitMs = 0) => {
      await lease?.extend(waitMs);
    };
    const ctx: ExecutionContext = {
      tenant: this.deps.tenant,
      clock: this.deps.clock,
      request: () => current,
      checkpoint: () => current.execution.checkpoint,
      keepAlive,
      sleep: async (ms) => {
        await keepAlive(ms);
        await wait(ms);
      },
      progress: async (step, state, checkpoint) => {
        await keepAlive();
        const drained = calls.splice(0);
        current = await this.persist(
          requestId,
          (r) => appendApiCalls(recordProgress(r, step, state, this.now(), checkpoint), drained),
          'cards',
          '',
          {
            action: 'execution.step',
            outcome: state === 'failed' ? 'failure' : 'info',
            calls: drained,
            details: { step, state },
          },
          'execution.before-checkpoint-commit',
          lease,
        );
      },
    };
    try {
      if (!handler)
        throw new ExecutionRefusal('NotSupported', `Requests of type ${request.type} cannot be executed yet.`);
      const result = await this.deps.recordCalls(() => handler(ctx), calls);
      const drained = calls.splice(0);
      await this.persist(
        requestId,
        (r) => {
          const out = complete(appendApiCalls(r, drained), this.now(), result);
          return out.ok ? out.request : undefined;
        },
        'all',
        'completed',
        { action: 'execution.completed', outcome: 'success', calls: drained, details: result },
        'execution.before-completion-commit',
        lease,
      );
    } catch (error) {
      if (error instanceof LeaseLost) throw error; // the job is no longer ours: record nothing
      const drained = calls.splice(0);
      const retryable = error instanceof AdminApiError && error.retryable;
      const lastAttempt = job.attempts >= job.maxAttempts;
      if (retryable && !lastAttempt) {
        current = await this.persist(
          requestId,
          (r) => appendApiCalls(r, drained),
          'none',
          '',
          { action: 'execution.retrying', outcome: 'failure', calls: drained, details: describeFailure(error) },
          undefined,
          lease,
        );
        throw error;
      }
      const failure = describeFailure(error);
      await this.persist(
        requestId,
        (r) => {
          const out = fail(appendApiCalls(r, drained), this.now(), failure);
          return out.ok ? out.request : undefined;
        },
        'all',
        `failed: ${failure.code}`,
        { action: 'execution.failed', outcome: 'failure', calls: drained, details: failure },
        undefined,
        lease,
      );
    }
  }

  /**
   * The execute job died without recording an end (its worker stopped on the last attempt, or an unexpected
   * error): the request fails with the reason, and cards and requester are told as for any failure.
   * Idempotent: a request that already ended is left alone.
   */
  async abandon(job: Job): Promise<void> {
    const requestId = String(job.payload.requestId ?? '');
    const request = await this.deps.store.requests.get(requestId);
    if (request?.status !== 'approved' && request?.status !== 'executing') return;
    const failure = interruptedFailure(request, job);
    await this.persist(
      requestId,
      (r) => {
        const started = startExecution(r, this.now());
        const out = started.ok ? fail(started.request, this.now(), failure) : started;
        return out.ok ? out.request : undefined;
      },
      'all',
      `failed: ${failure.code}`,
      { action: 'execution.failed', outcome: 'failure', calls: [], details: { ...failure, attempts: job.attempts } },
    );
  }

  private auditRecord(request: GovernanceRequest, { action, outcome, calls, details }: StepAudit) {
    return {
      at: this.now(),
      actorId: 'system',
      action,
      outcome,
      requestId: request.id,
      environmentId: 'environment' in request.details ? request.details.environment.id : undefined,
      apiCalls: calls.map((c) => ({ method: c.method, url: c.url, status: c.status })),
      details,
    };
  }
}

/** The audit record of one execution step, written with the step. */
interface StepAudit {
  action: string;
  outcome: 'success' | 'failure' | 'info';
  calls: ApiCall[];
  details?: Record<string, unknown> | undefined;
}
