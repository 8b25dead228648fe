// Invokes first, background work after. Teams waits for an invoke's answer (a spinner on the button, given up
// after ~10 s); the jobs and sends that an answer started (executing an approval, editing other copies of a
// card) are already stored and can start a moment later. On one thread, 40 approvals clicked at once were each
// answered only after the others' background work had run in between.

/** Runs `run` after `ms` unless the returned function cancels it first (tests pass their own). */
export type Schedule = (run: () => void, ms: number) => () => void;
const timer: Schedule = (run, ms) => {
  const handle = setTimeout(run, ms);
  return () => clearTimeout(handle);
};

/**
 * Counts invokes being answered; background workers wait until none has been in flight for a short quiet gap (or
 * for maxWaitMs at most).
 */
export class Foreground {
  private inFlight = 0;
  private readonly waiters = new Set<() => void>();
  private cancelRelease: (() => void) | undefined;

  /**
   * maxWaitMs: the longest background work waits, so a steady stream of invokes never starves it.
   * quietMs: how long no invoke must be in flight before background work starts. The clicks of a burst arrive a
   * few milliseconds apart; released in such a gap, an approval's execution and card edits ran between them
   * (bench:approvals: bot CPU per invoke 11 to 26 ms from round to round, the high ones with background work
   * inside the burst). Background work starts that much later after a lone click, which nobody waits on.
   */
  constructor(
    private readonly maxWaitMs = 2000,
    private readonly quietMs = 100,
    private readonly schedule: Schedule = timer,
  ) {}

  /** Counts `answer` as in flight until it settles (the invoke's response has been written). */
  async invoke<T>(answer: () => Promise<T>): Promise<T> {
    this.inFlight++;
    this.cancelRelease?.();
    this.cancelRelease = undefined;
    try {
      return await answer();
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.releaseWhenStillIdle();
    }
  }

  /**
   * Resolves at once when no invoke is in flight nor was a moment ago; otherwise after the quiet gap that follows the
   * last one answered, or after maxWaitMs.
   */
  idle(): Promise<void> {
    if (this.inFlight === 0 && !this.cancelRelease) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(longestWait);
        this.waiters.delete(done);
        resolve();
      };
      // Not `timer`: that name is the module's Schedule, which the inner one shadowed.
      const longestWait = setTimeout(done, this.maxWaitMs);
      this.waiters.add(done);
    });
  }

  /** After a quiet gap with no invoke (the rest of a burst's clicks arriving); a new invoke cancels it. */
  private releaseWhenStillIdle(): void {
    this.cancelRelease?.();
    this.cancelRelease = this.schedule(() => {
      this.cancelRelease = undefined;
      if (this.inFlight > 0) return;
      for (const done of [...this.waiters]) done();
    }, this.quietMs);
  }
}

export interface BackgroundWork {
  drainOutbox: () => Promise<unknown>;
  tickJobs: () => Promise<number>;
}

/**
 * What a change kicks off, once the invokes in flight are answered: the outbox on its own (what the change enqueued
 * goes out now, not after a running job has ended), and the jobs, then the outbox again only when a job ran (what it
 * enqueued; when none was due, that second look found the same queue and cost a query per turn). Started during a
 * burst of clicks, the outbox took lane leases and read queues between the invokes, a write transaction each, to
 * wait for them anyway.
 */
export function afterInvokes(foreground: Foreground, work: BackgroundWork, onLetThrough?: () => void): void {
  const idle = foreground.idle();
  // First, before the outbox's first read: a change committed after this point needs a look of its own.
  if (onLetThrough) idle.then(onLetThrough);
  idle.then(work.drainOutbox).catch(() => undefined);
  idle
    .then(work.tickJobs)
    .then((ran) => (ran > 0 ? work.drainOutbox() : 0))
    .catch(() => undefined);
}

/**
 * The kick every change makes (after its commit): afterInvokes, once for all the kicks made while one waits for the
 * invokes to be answered. A burst of 40 approve clicks kicked 40 times: 40 waits, then 40 outbox drains each reading
 * the queue heads and 40 job ticks, all at the same moment and after the same commits. A kick made after the waiting
 * one was let through (whose outbox may already have read its queue) waits again.
 * With no invoke in flight the outbox starts at once, not after a setImmediate: that waited for every I/O callback
 * already queued (with 20 makers filing at once, 30–50 ms of their turns before a filing's approval card could leave,
 * and a busy channel's later cards are paced from its first ones' send times).
 */
export function coalescedKicks(foreground: Foreground, work: BackgroundWork): () => void {
  let waiting = false;
  const letThrough = () => {
    waiting = false;
  };
  return () => {
    if (waiting) return;
    waiting = true;
    afterInvokes(foreground, work, letThrough);
  };
}
