// Pacing to Teams' windows across the whole fleet: every replica's sender reserves each send in one shared log in
// the database (outbox_sends), checking the windows and recording the send in one transaction under the log's lock.
// So the per-conversation windows (7/1 s, 8/2 s, 60/30 s, 1,800/h) and the per-tenant one (30/s) hold for the sum
// of all replicas, and a sender that takes a conversation over after a crash starts from what the fleet really sent
// in the last hour, not from an empty memory. Times are the database's real clock (one clock for every replica).
// A reservation counts as a send even when the call then fails: Teams counts requests, 429s included.
import type { Store, StoreSession } from '../requests/ports/store.js';
import { type PacingLimits, TEAMS_LIMITS, windowWaitMs } from './rate-limiter.js';

export interface FleetPacerOptions {
  store: Store;
  limits?: PacingLimits;
  /** Extra spacing added to every window (default 100 ms, as the in-process Pacer). */
  marginMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class FleetPacer {
  private readonly limits: PacingLimits;
  private readonly longestMs: number;
  private lastPrune = 0;

  constructor(private readonly options: FleetPacerOptions) {
    this.limits = options.limits ?? TEAMS_LIMITS;
    this.longestMs = Math.max(...[...this.limits.perConversation, ...this.limits.perTenant].map((w) => w.windowMs));
  }

  /**
   * Resolves when a send to this conversation may go out, having recorded it in the fleet's log. `withSlot` runs in
   * the same transaction once the slot is granted (the sender's fenced in-flight mark): if it throws, no slot is
   * taken and nothing is marked.
   */
  async acquire(conversationKey: string, withSlot?: (session: StoreSession) => Promise<void>): Promise<void> {
    const margin = this.options.marginMs ?? 100;
    for (;;) {
      const wait = await this.options.store.transaction(async (s) => {
        const now = await s.outbox.lockSendLog();
        const since = now - this.longestMs - margin;
        const tenantSince = now - Math.max(...this.limits.perTenant.map((w) => w.windowMs)) - margin;
        const waitMs = Math.max(
          windowWaitMs(await s.outbox.sendTimes(conversationKey, since), this.limits.perConversation, now, margin),
          windowWaitMs(await s.outbox.sendTimes(undefined, tenantSince), this.limits.perTenant, now, margin),
        );
        if (waitMs <= 0) {
          await withSlot?.(s);
          await s.outbox.recordSend(conversationKey, now);
        }
        return waitMs;
      });
      if (wait <= 0) return;
      await (this.options.sleep ?? realSleep)(wait);
    }
  }

  /** Forgets sends older than every window (at most once a minute). */
  async sweep(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    await this.options.store.outbox.pruneSends(now - this.longestMs - 60_000); // a minute of slack for clock drift
  }
}
