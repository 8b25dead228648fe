// Durable background jobs: claimed from storage with a lease, so a crash mid-job hands it to the next
// runner once the lease expires, and nothing is kept only in memory timers. A long job keeps its lease alive
// (JobLease), and every job that ends dead reaches its owner (onDead), even one whose worker crashed.
// Several replicas may run a JobRunner on one database: claims never overlap, lease times come from the database's
// clock (Store.now), and every write about a job carries its attempt number as a fencing token, so a replica paused
// past its lease cannot write once another has taken the job over (LeaseLostError, its transaction rolled back).
import { type Job, LeaseLostError, type Store, type StoreSession } from '../requests/ports/store.js';

/** The lease of the job being run. A handler that works longer than the lease pushes it forward. */
export interface JobLease {
  /**
   * Extends the lease to now + the runner's lease + extraMs (a wait about to start). Throws LeaseLost when
   * the job is no longer running (cancelled, or declared dead after its lease expired), so the work stops.
   */
  extend(extraMs?: number): Promise<void>;
  /**
   * Fences a write: inside the caller's transaction, throws LeaseLost (rolling it back) unless this attempt still
   * holds the job. Every execution checkpoint is written with it.
   */
  assertHeld(session: StoreSession): Promise<void>;
}

export type JobHandler = (job: Job, lease: JobLease) => Promise<void>;

/** A handler throws this when the job must not be retried (the failure is already recorded). */
export class PermanentJobError extends Error {}

/** The job is no longer this runner's: stop without recording anything about it. */
export { LeaseLostError as LeaseLost } from '../requests/ports/store.js';

export const DEFAULT_LEASE_MS = 5 * 60_000;

export interface JobRunnerOptions {
  store: Store;
  clock: () => Date;
  handlers: Record<string, JobHandler>;
  leaseMs?: number;
  pollMs?: number;
  batchSize?: number;
  /**
   * Tells the owner of a job that ended dead: out of attempts after its handler threw, or its worker stopped
   * (lease expired) on the last attempt. Called at least once per dead job, so it must be idempotent; a call
   * that throws is repeated on the next tick.
   */
  onDead?: (job: Job, error: unknown) => Promise<void>;
  onError?: (error: unknown, job?: Job) => void;
  backoffMs?: (attempts: number) => number;
  /** Awaited before each job is claimed: the bot lets the invokes being answered go first (teams/foreground.ts). */
  yieldTo?: () => Promise<void>;
}

export class JobRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = true;

  constructor(private readonly options: JobRunnerOptions) {}

  /** Runs every due job once and reports dead ones; returns how many it handled. Tests call this with an injected clock. */
  async tick(): Promise<number> {
    // One tick at a time per runner, so a slow job is never claimed twice by the same process.
    if (this.running) return this.running;
    this.running = (async () => (await this.runDue()) + (await this.reportDead()))().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** The fleet's time (the database's clock), in ms. */
  private async fleetNow(): Promise<number> {
    return Date.parse(await this.options.store.now());
  }

  private leaseFor(job: Job): JobLease {
    const { store } = this.options;
    return {
      extend: async (extraMs = 0) => {
        const until = new Date((await this.fleetNow()) + this.leaseMs + Math.max(0, extraMs)).toISOString();
        await store.jobs.extendLease(job.id, job.attempts, until);
      },
      assertHeld: (session) => session.jobs.assertHeld(job.id, job.attempts),
    };
  }

  private async runDue(): Promise<number> {
    let ran = 0;
    // One claim per job, right before it runs. A batch claimed at once waits in this runner behind its first job
    // while every lease in it runs down: another replica then takes the waiting ones over, and this runner would
    // still start them (an admin call made twice, a takeover churn that can use a job's attempts up).
    while (ran < (this.options.batchSize ?? 10)) {
      await this.options.yieldTo?.();
      const now = await this.fleetNow();
      const leaseUntil = new Date(now + this.leaseMs).toISOString();
      const [job] = await this.options.store.jobs.claimDue(new Date(now).toISOString(), leaseUntil, 1);
      if (!job) break;
      await this.runOne(job);
      ran++;
    }
    return ran;
  }

  private async runOne(job: Job): Promise<void> {
    const handler = this.options.handlers[job.kind];
    const lease = this.leaseFor(job);
    // A heartbeat while the handler runs: a replica that is alive but slow (a loaded machine, a long admin call)
    // keeps its job; only one that died or froze (no beat) loses it to another replica when the lease runs out.
    const heartbeat = setInterval(() => void lease.extend().catch(() => undefined), this.leaseMs / 3);
    heartbeat.unref?.();
    try {
      if (!handler) throw new PermanentJobError(`No handler for job kind ${job.kind}`);
      await handler(job, lease);
      await this.options.store.jobs.complete(job.id, job.attempts);
    } catch (error) {
      this.options.onError?.(error, job);
      if (error instanceof LeaseLostError) return; // whoever holds it now records its end
      try {
        await this.recordFailure(job, error);
      } catch (recordError) {
        if (!(recordError instanceof LeaseLostError)) throw recordError;
        this.options.onError?.(recordError, job); // taken over meanwhile: the new holder records the end
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async recordFailure(job: Job, error: unknown): Promise<void> {
    const { store } = this.options;
    if (error instanceof PermanentJobError) {
      await store.jobs.complete(job.id, job.attempts);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    const delay = this.options.backoffMs?.(job.attempts) ?? Math.min(60_000 * 2 ** (job.attempts - 1), 30 * 60_000);
    const retryAt = new Date((await this.fleetNow()) + delay).toISOString();
    const after = await store.jobs.fail(job.id, job.attempts, message, retryAt);
    if (after.status === 'dead') await this.report(after, error);
  }

  /** Dead jobs nobody was told about yet: those whose worker crashed, or whose report failed earlier. */
  private async reportDead(): Promise<number> {
    if (!this.options.onDead) return 0;
    let reported = 0;
    for (const job of await this.options.store.jobs.unreportedDead(this.options.batchSize ?? 10)) {
      if (await this.report(job, new Error(job.lastError ?? 'the job died'))) reported++;
    }
    return reported;
  }

  private async report(job: Job, error: unknown): Promise<boolean> {
    if (!this.options.onDead) return false;
    try {
      await this.options.onDead(job, error);
      await this.options.store.jobs.markDeadReported(job.id, this.options.clock().toISOString());
      return true;
    } catch (reportError) {
      this.options.onError?.(reportError, job);
      return false;
    }
  }

  start(): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      try {
        await this.tick();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (!this.stopped) this.timer = setTimeout(loop, this.options.pollMs ?? 1000);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
