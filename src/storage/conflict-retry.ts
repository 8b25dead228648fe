// PostgreSQL may end a transaction it cannot order against another: a deadlock (two replicas locking the same rows
// in opposite orders, 40P01) or a serialization failure (40001). The transaction was rolled back whole, so running it
// again is the documented remedy, and it usually succeeds at once. Only the database's work is repeated: a
// transaction body must not call out (HTTP, Teams) before it commits, which is already the rule for every unit of
// work here (the outbox and the executor call out between transactions, never inside one).

/** SQLSTATEs after which the whole transaction may simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);

export interface ConflictRetryOptions {
  /** Runs in all, the first included (default 5). */
  attempts?: number;
  /** Called before each re-run (tests count them; the store may log). */
  onRetry?: (error: unknown, attempt: number) => void;
  random?: () => number;
}

/** True for a deadlock or serialization failure reported by PostgreSQL (node-postgres puts SQLSTATE in `code`). */
export function isRetryableConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

/** Runs `run` (one whole transaction) and runs it again after a deadlock or serialization failure. */
export async function retryOnConflict<T>(run: () => Promise<T>, options: ConflictRetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isRetryableConflict(error)) throw error;
      options.onRetry?.(error, attempt);
      // A short random pause, growing a little, so the two losers of a cycle do not collide again in step.
      await new Promise((r) => setTimeout(r, (5 + random() * 20) * attempt));
    }
  }
}
