// Durable background jobs: claimed from storage with a lease, so a crash mid-job hands it to the next
// runner once the lease expires, and nothing is kept only in memory timers.
import type { Job, Store } from '../storage/store.js';

export type JobHandler = (job: Job) => Promise<void>;

/** A handler throws this when the job must not be retried (the failure is already recorded). */
export class PermanentJobError extends Error {}

export interface JobRunnerOptions {
  store: Store;
  clock: () => Date;
  handlers: Record<string, JobHandler>;
  leaseMs?: number;
  pollMs?: number;
  batchSize?: number;
  /** Called after a job ends dead (out of attempts), so its owner can record the failure. */
  onDead?: (job: Job, error: unknown) => Promise<void>;
  onError?: (error: unknown, job?: Job) => void;
  backoffMs?: (attempts: number) => number;
}

export class JobRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = true;

  constructor(private readonly options: JobRunnerOptions) {}

  /** Runs every due job once; returns how many ran. Tests call this directly with an injected clock. */
  async tick(): Promise<number> {
    // One tick at a time per runner, so a slow job is never claimed twice by the same process.
    if (this.running) return this.running;
    this.running = this.runDue().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runDue(): Promise<number> {
    const { store, clock, handlers } = this.options;
    const now = clock();
    const leaseUntil = new Date(now.getTime() + (this.options.leaseMs ?? 5 * 60_000)).toISOString();
    const jobs = await store.jobs.claimDue(now.toISOString(), leaseUntil, this.options.batchSize ?? 10);
    for (const job of jobs) {
      const handler = handlers[job.kind];
      try {
        if (!handler) throw new PermanentJobError(`No handler for job kind ${job.kind}`);
        await handler(job);
        await store.jobs.complete(job.id);
      } catch (error) {
        this.options.onError?.(error, job);
        const message = error instanceof Error ? error.message : String(error);
        const delay = this.options.backoffMs?.(job.attempts) ?? Math.min(60_000 * 2 ** (job.attempts - 1), 30 * 60_000);
        const permanent = error instanceof PermanentJobError;
        if (permanent) {
          await store.jobs.complete(job.id);
          continue;
        }
        const after = await store.jobs.fail(job.id, message, new Date(clock().getTime() + delay).toISOString());
        if (after.status === 'dead') await this.options.onDead?.(after, error);
      }
    }
    return jobs.length;
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
