// Pacing to Teams' windows across the whole fleet: every replica's sender reserves each send in one shared log in
// the database (outbox_sends), checking the windows and recording the send in one transaction under the log's lock.
// So the per-conversation windows (7/1 s, 8/2 s, 60/30 s, 1,800/h) and the per-tenant one (30/s) hold for the sum
// of all replicas, and a sender that takes a conversation over after a crash starts from what the fleet really sent
// in the last hour, not from an empty memory. Times are the database's real clock (one clock for every replica).
// A reservation counts as a send even when the call then fails: Teams counts requests, 429s included.
// Teams counts a send when it arrives, which on a loaded machine can be well after the reservation (a commit, a pool
// wait, the HTTP call): pacing on reservation times alone let an 8th message into a 1 s window at Teams. So a send is
// logged at the latest time it could arrive (reservation + IN_FLIGHT_BOUND_MS) while in flight, and moved to the
// database's clock when the connector has answered (completeSend): a time never earlier than Teams' own count.
import type { Store, StoreSession } from '../requests/ports/store.js';
import type { LaneSendTimes } from './lane-send-times.js';
import { type PacingLimits, TEAMS_LIMITS, windowWaitMs } from './rate-limiter.js';

export interface FleetPacerOptions {
  store: Store;
  limits?: PacingLimits;
  /** Extra spacing added to every window (default 100 ms, as the in-process Pacer). */
  marginMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long a send may stay in flight (a crashed sender's send is counted until this passes). */
export const IN_FLIGHT_BOUND_MS = 10_000;
/** While a window is full only because of sends in flight, look again this often (they usually end in ms). */
const IN_FLIGHT_POLL_MS = 50;

export class FleetPacer {
  private readonly limits: PacingLimits;
  private readonly longestMs: number;
  private lastPrune = 0;

  constructor(private readonly options: FleetPacerOptions) {
    this.limits = options.limits ?? TEAMS_LIMITS;
    this.longestMs = Math.max(...[...this.limits.perConversation, ...this.limits.perTenant].map((w) => w.windowMs));
  }

  /**
   * Resolves when a send to this conversation may go out, having recorded it in the fleet's log; returns the log
   * entry's id, which the caller completes (Store outbox.completeSend) once the connector has answered. `withSlot`
   * runs in the same transaction once the slot is granted (the sender's fenced in-flight mark): if it throws, no slot
   * is taken and nothing is marked. `lane`: the conversation's send times the caller keeps as the lane's holder.
   */
  async acquire(
    conversationKey: string,
    withSlot?: (session: StoreSession) => Promise<void>,
    lane?: LaneSendTimes,
  ): Promise<number> {
    for (;;) {
      const { wait, id, at, inFlight } = await this.options.store.transaction(async (s) => {
        const now = await s.outbox.lockSendLog();
        const { waitMs, tenant } = await this.windowsWait(s, conversationKey, now, lane);
        if (waitMs > 0) return { wait: waitMs, id: undefined, at: 0, inFlight: (tenant.at(-1) ?? 0) > now };
        await withSlot?.(s);
        const at = now + IN_FLIGHT_BOUND_MS;
        return { wait: 0, id: await s.outbox.recordSend(conversationKey, at), at, inFlight: false };
      });
      if (id !== undefined) {
        lane?.reserved(id, at);
        return id;
      }
      // A send in flight is logged in the future: its real time is known as soon as it ends, so look again soon.
      await (this.options.sleep ?? realSleep)(inFlight ? Math.min(wait, IN_FLIGHT_POLL_MS) : wait);
    }
  }

  /** How long a send to this conversation would wait now (0 = a slot is free), without taking one. */
  waitMs(conversationKey: string, lane?: LaneSendTimes): Promise<number> {
    return this.options.store.transaction(
      async (s) => (await this.windowsWait(s, conversationKey, await s.outbox.lockSendLog(), lane)).waitMs,
    );
  }

  /** The wait every window (the conversation's and the tenant's) imposes at `now`, from the fleet's send log. */
  private async windowsWait(
    s: StoreSession,
    conversationKey: string,
    now: number,
    lane: LaneSendTimes | undefined,
  ): Promise<{ waitMs: number; tenant: number[] }> {
    const margin = this.options.marginMs ?? 100;
    const tenantSince = now - Math.max(...this.limits.perTenant.map((w) => w.windowMs)) - margin;
    const since = now - this.longestMs - margin;
    const read = () => s.outbox.sendTimes(conversationKey, since);
    const conversation = lane ? await lane.since(since, now, read) : await read();
    const tenant = await s.outbox.sendTimes(undefined, tenantSince);
    const waitMs = Math.max(
      windowWaitMs(conversation, this.limits.perConversation, now, margin),
      windowWaitMs(tenant, this.limits.perTenant, now, margin),
    );
    return { waitMs, tenant };
  }

  /** Forgets sends older than every window (at most once a minute). */
  async sweep(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    await this.options.store.outbox.pruneSends(now - this.longestMs - 60_000); // a minute of slack for clock drift
  }
}
