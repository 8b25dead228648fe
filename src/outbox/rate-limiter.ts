// Sliding-window pacing for proactive messages. Teams counts per bot per conversation over several windows at
// once (7/1 s, 8/2 s, 60/30 s, 1,800/h) and per app per tenant (~30/s). Bottleneck's reservoirs refill on fixed
// wall-clock intervals and cannot express overlapping sliding windows or run on injected time, so this small
// log-of-timestamps limiter does it: a send is allowed when every window still has room.

export interface RateWindow {
  limit: number;
  windowMs: number;
}

export interface PacingLimits {
  perConversation: RateWindow[];
  perTenant: RateWindow[];
}

/** Teams' documented limits (msteams-docs rate-limit): per bot per conversation, and per app per tenant. */
export const TEAMS_LIMITS: PacingLimits = {
  perConversation: [
    { limit: 7, windowMs: 1_000 },
    { limit: 8, windowMs: 2_000 },
    { limit: 60, windowMs: 30_000 },
    { limit: 1_800, windowMs: 3_600_000 },
  ],
  perTenant: [{ limit: 30, windowMs: 1_000 }],
};

/**
 * Milliseconds until one more send fits every window (0 = now), given earlier send times (oldest first). Shared by
 * the in-process Pacer and the fleet-wide one (fleet-pacer.ts), which reads the times from the database.
 */
export function windowWaitMs(
  times: readonly number[],
  windows: readonly RateWindow[],
  now: number,
  marginMs = 0,
): number {
  let wait = 0;
  for (const w of windows) {
    // Sends strictly inside (now - windowMs - margin, now].
    let first = times.length;
    while (first > 0 && (times[first - 1] ?? 0) > now - w.windowMs - marginMs) first--;
    const inWindow = times.length - first;
    if (inWindow >= w.limit) {
      // The window frees a slot when its (inWindow - limit + 1)-th oldest send leaves it.
      const leaving = times[first + inWindow - w.limit] ?? now;
      wait = Math.max(wait, leaving + w.windowMs + marginMs - now);
    }
  }
  return wait;
}

/** Send times inside the longest window, oldest first. */
class SendLog {
  private readonly times: number[] = [];
  constructor(
    private readonly windows: RateWindow[],
    private readonly marginMs = 0,
  ) {}

  /** Milliseconds until one more send fits every window (0 = now). */
  waitMs(now: number): number {
    this.prune(now);
    return windowWaitMs(this.times, this.windows, now, this.marginMs);
  }

  record(now: number): void {
    this.times.push(now);
  }

  get empty(): boolean {
    return this.times.length === 0;
  }

  private prune(now: number): void {
    const longest = Math.max(0, ...this.windows.map((w) => w.windowMs));
    let drop = 0;
    while (drop < this.times.length && (this.times[drop] ?? 0) <= now - longest) drop++;
    if (drop > 0) this.times.splice(0, drop);
  }
}

export interface PacerOptions {
  limits?: PacingLimits;
  /**
   * Extra spacing added to every window (default 100 ms): Teams counts arrivals, not our send times, so network
   * jitter could otherwise put one message too many into a window and earn a 429.
   */
  marginMs?: number;
  /** Milliseconds of real (monotonic) time: pacing follows Teams' clock, never the domain's injected clock. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** Grants send slots per conversation and per tenant; callers await acquire() before each send. */
export class Pacer {
  private readonly tenant: SendLog;
  private readonly conversations = new Map<string, SendLog>();
  private readonly limits: PacingLimits;

  constructor(private readonly options: PacerOptions) {
    this.limits = options.limits ?? TEAMS_LIMITS;
    this.tenant = new SendLog(this.limits.perTenant, options.marginMs ?? 100);
  }

  /** How long a send to this conversation would have to wait now. */
  waitMs(conversationKey: string, now = this.options.now()): number {
    const log = this.conversations.get(conversationKey);
    return Math.max(this.tenant.waitMs(now), log?.waitMs(now) ?? 0);
  }

  /** Resolves when a send may go out, having recorded it in every window (check and record are one step). */
  async acquire(conversationKey: string): Promise<void> {
    let log = this.conversations.get(conversationKey);
    if (!log) {
      log = new SendLog(this.limits.perConversation, this.options.marginMs ?? 100);
      this.conversations.set(conversationKey, log);
    }
    for (;;) {
      const now = this.options.now();
      const wait = Math.max(this.tenant.waitMs(now), log.waitMs(now));
      if (wait <= 0) {
        log.record(now);
        this.tenant.record(now);
        return;
      }
      await this.options.sleep(wait);
    }
  }

  /** Forgets conversations with nothing left in any window (keeps memory flat over many conversations). */
  sweep(): void {
    const now = this.options.now();
    for (const [key, log] of this.conversations) {
      log.waitMs(now);
      if (log.empty) this.conversations.delete(key);
    }
  }
}
