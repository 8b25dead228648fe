// Sends what the use cases put in the outbox. One lane per conversation sends its messages strictly in id order;
// lanes run side by side, paced to Teams' per-conversation and per-tenant windows. Several replicas may run a worker
// on one database: a lane is a lease (one sender per conversation in the whole fleet, fenced by its token), pacing
// is fleet-wide (FleetPacer: one send log in the database), and in-flight marks are in the message rows. Failures are
// retried with backoff (Retry-After wins), a conversation waits for its failed head message (order is kept),
// and a message is marked dead after a bound (`govbot outbox retry` revives it).
//
// Delivery guarantee (see also README/docs): every enqueued message is delivered at least once unless it goes
// dead, which is visible and retryable. An update is a PUT of the whole card to the same activity id, so repeating
// it (retry or crash recovery) edits the same message and never posts a new one. A new post is marked in flight
// before the connector call and cleared in the transaction that marks it sent; only a crash inside that window
// (after Teams accepted the post, before the commit) leaves the outcome unknown. Such a post is re-sent by default
// (`interruptedSends: 'resend'`, nothing lost, one possible duplicate) or parked as dead for an operator to check
// (`'hold'`, never a duplicate). Teams offers no idempotent post, so no design can promise both at once.
import { randomUUID } from 'node:crypto';
import { failpoint } from '../failpoints.js';
import type { OutboxMessage, Store, StoreSession } from '../requests/ports/store.js';
import { FleetPacer } from './fleet-pacer.js';
import { LaneSendTimes } from './lane-send-times.js';
import { type Activity, conversationKeys, drawActivity, type MessageComposer } from './messages.js';
import { DeliveryError, type Notifier, toDeliveryError } from './notifier.js';
import { Pacer, type PacingLimits, TEAMS_LIMITS } from './rate-limiter.js';

export { TEAMS_LIMITS } from './rate-limiter.js';

/** The lease name of one conversation's lane. */
export const laneLease = (conversationKey: string) => `outbox:${conversationKey}`;
/** kv key of the activity id a vanished card was re-posted under (updates that name the old one edit the new). */
export const repostedKey = (updateOf: string) => `outbox:reposted:${updateOf}`;

export interface OutboxWorkerOptions {
  store: Store;
  notifier: Notifier;
  clock: () => Date;
  /**
   * Pacing time, in ms, for an in-process pacer (tests of the window arithmetic pass a fake one with `sleep`).
   * Without it pacing is fleet-wide (FleetPacer) on the database's real clock. Never the domain `clock`: a test that
   * freezes the domain clock must not freeze pacing.
   */
  pacingNow?: () => number;
  /**
   * How long a conversation's lane lease lasts without renewal (default 10 s): the most a conversation waits after
   * its sender crashed. Renewed at every send and every laneLeaseMs/3 while a connector call is under way.
   */
  laneLeaseMs?: number;
  /** This sender's name on lane leases and in-flight marks (default: random per worker). */
  sender?: string;
  /** Waits for the pacer and nothing else (tests pass one that advances pacingNow). */
  sleep?: (ms: number) => Promise<void>;
  /** Attempts before a message is dead (default 8). */
  maxAttempts?: number;
  pollMs?: number;
  limits?: PacingLimits;
  /** Safety spacing added to each rate window (default 100 ms; see Pacer). */
  pacingMarginMs?: number;
  /** Longest wait honoured from a Retry-After header (default 1 h). */
  maxRetryAfterMs?: number;
  /** What to do with a post interrupted by a crash mid-delivery (default 'resend'). */
  interruptedSends?: 'resend' | 'hold';
  random?: () => number;
  onError?: (error: unknown, message: OutboxMessage) => void;
  onSent?: (message: OutboxMessage) => void;
  onInterrupted?: (message: OutboxMessage, action: 'resend' | 'hold') => void;
  /** Awaited before each message is sent: the bot lets the invokes being answered go first (teams/foreground.ts). */
  yieldTo?: () => Promise<void>;
  /** Draws the cards stored as recipes (messages.ts DeferredComposer) when they are sent. */
  composer?: MessageComposer;
  /** A request's card could not be drawn and its fallback line goes in its place (see draw). */
  onCardNotDrawn?: (message: OutboxMessage, reason: string) => void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What is sent in place of a request's card that cannot be drawn: the id and the command that shows it. */
export const cardNotDrawnText = (requestId: string) =>
  `${requestId} could not be shown as a card here. Ask me "status ${requestId}" to see it.`;

/** Exponential backoff with ±20 % jitter: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 5 * 60_000) * (0.8 + random() * 0.4);
}

/** The lane's lease was taken over by another sender (this one was paused past it): stop the lane. */
class LaneLost extends Error {}

export class OutboxWorker {
  /**
   * Grants send slots; runs withSlot in the slot's transaction (fleet) or right after it (in-process pacer). The
   * fleet pacer returns the send's log id, completed when the connector has answered.
   */
  private readonly pacer: {
    acquire(
      key: string,
      withSlot: (s: StoreSession) => Promise<void>,
      lane: LaneSendTimes,
    ): Promise<number | undefined>;
    /** How long a send to this conversation would wait now (0 = a slot is free). */
    waitMs(key: string, lane: LaneSendTimes): number | Promise<number>;
    sweep(): void | Promise<void>;
  };
  private readonly limits: PacingLimits;
  private readonly lanes = new Map<string, Promise<number>>();
  /**
   * Conversations found due while their lane was running: the lane reads its queue again before it ends, or runs
   * once more after it ended. Without this a message committed just as its lane was finishing waited for a poll.
   */
  private readonly woken = new Set<string>();
  /** Ids this worker has in flight (any other in-flight mark was left by a sender that stopped). */
  private readonly mine = new Set<number>();
  /** This worker's name on its lane leases and in-flight marks. */
  private readonly sender: string;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private stopped = true;
  private halting = false;

  constructor(private readonly options: OutboxWorkerOptions) {
    this.sender = options.sender ?? randomUUID();
    const limits = options.limits ?? TEAMS_LIMITS;
    this.limits = limits;
    const sleep = options.sleep ?? realSleep;
    if (options.pacingNow) {
      const local = new Pacer({ limits, marginMs: options.pacingMarginMs, now: options.pacingNow, sleep });
      this.pacer = {
        acquire: async (key, withSlot) => {
          await local.acquire(key);
          await options.store.transaction(withSlot);
          return undefined;
        },
        waitMs: (key) => local.waitMs(key),
        sweep: () => local.sweep(),
      };
    } else {
      this.pacer = new FleetPacer({ store: options.store, limits, marginMs: options.pacingMarginMs, sleep });
    }
  }

  /** Starts lanes for every conversation with due messages and waits for all lanes; returns messages attempted. */
  async drain(): Promise<number> {
    this.startLanes(await this.dueConversations());
    let total = 0;
    while (this.lanes.size > 0) {
      const counts = await Promise.all([...this.lanes.values()]);
      total += counts.reduce((a, b) => a + b, 0);
    }
    await this.pacer.sweep();
    return total;
  }

  /** Conversations with a due message at their head (nothing overtakes a message waiting for its retry). */
  private async dueConversations(): Promise<string[]> {
    const { store, clock } = this.options;
    const now = clock().toISOString();
    // Keys and due times only: this runs after every turn, and parsing every pending card here was a busy bot's cost.
    return (await store.outbox.pendingHeads())
      .filter((head) => head.nextAttemptAt <= now)
      .map((head) => head.conversationKey);
  }

  /** The due head of one conversation's queue, read after its lane was taken (another sender may just have sent). */
  private async queueOf(key: string): Promise<OutboxMessage[]> {
    this.woken.delete(key); // this read sees whatever was committed before the wake-up
    const now = this.options.clock().toISOString();
    const queue: OutboxMessage[] = [];
    for (const m of await this.options.store.outbox.list({ status: 'pending', conversationKey: key })) {
      if (m.nextAttemptAt > now) break;
      queue.push(m);
    }
    return queue;
  }

  private startLanes(keys: string[]): void {
    for (const key of keys) {
      if (this.lanes.has(key)) {
        this.woken.add(key);
        continue;
      }
      const lane = this.runLane(key).finally(() => {
        this.lanes.delete(key);
        if (this.woken.delete(key) && !this.halting) this.startLanes([key]);
      });
      this.lanes.set(key, lane);
    }
  }

  private get laneLeaseMs(): number {
    return this.options.laneLeaseMs ?? 10_000;
  }

  /** Sends one conversation's due messages if this worker gets its lane (else another replica is sending them). */
  private async runLane(key: string): Promise<number> {
    const { store } = this.options;
    let attempted = 0;
    let token: number | undefined;
    let message: OutboxMessage | undefined;
    try {
      token = await store.leases.acquire(laneLease(key), this.sender, this.laneLeaseMs);
      if (token === undefined) return 0;
      // Messages settled along with another (superseded card edits), so this pass's snapshot skips them.
      const settled = new Set<number>();
      // The conversation's send times, kept while this lane holds the lease (nobody else sends to it meanwhile).
      const sendTimes = new LaneSendTimes();
      // Read the queue again once it is through: what was enqueued meanwhile goes out now, not a poll later.
      lane: for (let queue = await this.queueOf(key); queue.length > 0; queue = await this.queueOf(key)) {
        for (const [i, next] of queue.entries()) {
          message = next;
          if (this.halting) break lane; // stopping: leave the rest for the next start
          if (settled.has(message.id)) continue;
          const goOn = await this.runOne(key, message, token, { queue: queue.slice(i), settled, sendTimes });
          if (goOn === undefined) continue;
          attempted++;
          if (!goOn) break lane; // the conversation waits for this message's retry
        }
      }
    } catch (error) {
      // Storage failed while recording an outcome, or the lane was taken over: the message stays pending for a
      // later tick or the new holder. Reported here, as nobody awaits a timer-started lane (a rejection would be
      // unhandled and stop the process).
      if (message) this.options.onError?.(error, message);
    } finally {
      if (token !== undefined) await store.leases.release(laneLease(key), this.sender).catch(() => undefined);
    }
    return attempted;
  }

  /** One message of a lane: undefined when parked without an attempt, else whether the lane may go on. */
  private async runOne(
    key: string,
    message: OutboxMessage,
    token: number,
    lane: { queue: OutboxMessage[]; settled: Set<number>; sendTimes: LaneSendTimes },
  ): Promise<boolean | undefined> {
    await this.options.yieldTo?.();
    const interrupted = message.inFlightAt !== undefined && !this.mine.has(message.id);
    if (interrupted && message.operation === 'send' && (this.options.interruptedSends ?? 'resend') === 'hold') {
      this.options.onInterrupted?.(message, 'hold');
      await this.finish(message.id, (s) =>
        s.outbox.markFailed(
          message.id,
          'interrupted: the process stopped after this post left; check the channel, then `govbot outbox retry`',
          this.options.clock().toISOString(),
          true,
        ),
      );
      return undefined;
    }
    if (interrupted) this.options.onInterrupted?.(message, 'resend');
    const newest = await this.newestEditWhenBusy(key, lane.queue, lane.sendTimes);
    if (!newest) return this.deliver(key, message, token, [message], lane.sendTimes);
    for (const m of newest.covers) lane.settled.add(m.id);
    return this.deliver(key, newest.message, token, newest.covers, lane.sendTimes);
  }

  /**
   * In a busy conversation, a card edit that a later queued edit of the same card replaces is not sent on its own:
   * each edit PUTs the whole card, so the newest is sent in its place and the older ones share its outcome. A busy
   * channel's few sends a second then go to new cards (an approval's execution edits its card seven times; sent one
   * by one they held the next requests' cards back for minutes). Busy: more queued than Teams' shortest window
   * lets through, or that window is full now. A quiet conversation still gets every edit.
   * `queue` is the lane's due queue from this message on.
   */
  private async newestEditWhenBusy(
    key: string,
    queue: OutboxMessage[],
    sendTimes: LaneSendTimes,
  ): Promise<{ message: OutboxMessage; covers: OutboxMessage[] } | undefined> {
    const [message] = queue;
    if (message?.operation !== 'update' || !message.updateOf) return undefined;
    const covers = queue.filter((m) => m.operation === 'update' && m.updateOf === message.updateOf);
    const newest = covers.at(-1);
    if (!newest || newest === message) return undefined;
    const shortest = Math.min(...this.limits.perConversation.map((w) => w.limit));
    if (queue.length <= shortest && (await this.pacer.waitMs(key, sendTimes)) <= 0) return undefined;
    return { message: newest, covers };
  }

  /**
   * Sends one message; true when sent or dead (the lane may go on), false when it will be retried. Every message in
   * `covers` (the message itself, and the older edits it replaces) is recorded with its outcome.
   */
  private async deliver(
    key: string,
    message: OutboxMessage,
    token: number,
    covers: OutboxMessage[],
    sendTimes: LaneSendTimes,
  ): Promise<boolean> {
    const { store, notifier, clock } = this.options;
    let slot: number | undefined;
    let completedAt: number | undefined;
    const completeSlot = async (s: StoreSession) => {
      if (slot !== undefined) completedAt = await s.outbox.completeSend(slot);
    };
    // After the commit: the lane's copy of the send log follows the database's.
    const slotCompleted = () => {
      if (slot !== undefined && completedAt !== undefined) sendTimes.completed(slot, completedAt);
    };
    try {
      const conversation = await store.conversations.get(message.conversationKey);
      if (!conversation) throw new DeliveryError(`no stored conversation ${message.conversationKey}`, 404, undefined);
      const target = message.operation === 'update' ? await this.targetActivityId(message) : undefined;
      const { activity, notDrawn } = this.draw(message);
      slot = await this.takeSlot(key, message, token, sendTimes);
      failpoint('outbox.before-send');
      let activityId: string | undefined;
      let repostOf: string | undefined;
      await this.holdingLane(key, async () => {
        if (message.operation === 'update') {
          ({ activityId, repostOf } = await this.updateOrRepost(
            conversation.reference,
            message,
            activity,
            target ?? '',
          ));
        } else {
          activityId = (await notifier.send(conversation.reference, activity)).activityId;
        }
      });
      failpoint('outbox.after-send-before-sent');
      await this.finish(message.id, async (s) => {
        await completeSlot(s);
        for (const m of covers) await s.outbox.markSent(m.id, activityId);
        if (repostOf && activityId) await s.kv.set(repostedKey(repostOf), activityId);
        if (notDrawn !== undefined) await this.auditCardNotDrawn(s, message, notDrawn);
      });
      slotCompleted();
      this.options.onSent?.(message);
      return true;
    } catch (raw) {
      if (raw instanceof LaneLost) throw raw; // nothing was sent: the lane's new holder sends it
      const error = toDeliveryError(raw);
      this.options.onError?.(error, message);
      const attempts = message.attempts + 1;
      const dead = !error.retryable || attempts >= (this.options.maxAttempts ?? 8);
      const wait =
        error.retryAfterMs !== undefined
          ? Math.min(error.retryAfterMs, this.options.maxRetryAfterMs ?? 3_600_000)
          : backoffMs(attempts, this.options.random);
      await this.finish(message.id, async (s) => {
        await completeSlot(s);
        const retryAt = new Date(clock().getTime() + wait).toISOString();
        for (const m of covers) await s.outbox.markFailed(m.id, error.reason.slice(0, 500), retryAt, dead);
        if (dead && error.final) await this.reportUnreachableRequester(s, message, error);
      });
      slotCompleted();
      return dead;
    }
  }

  /**
   * The activity to send, a stored recipe drawn now. A card that cannot be drawn will not draw on a retry either,
   * and nothing half-drawn is sent. A request's card (the row has a requestId) is replaced by a line naming only
   * the request and how to see it, sent and edited like the card, so no request vanishes from its channel or chat
   * in silence; the failure stays visible (onCardNotDrawn, an audit record). Without a requestId, or without a
   * composer, the message is dead at once (400 CardNotDrawn), visible in `npx govbot outbox list` and the log.
   */
  private draw(message: OutboxMessage): { activity: Activity; notDrawn?: string } {
    const { composer } = this.options;
    try {
      return { activity: drawActivity(message.activity, composer) };
    } catch (error) {
      // The drawer's own words (template name, limit, view); capped, as a message may quote a stored row.
      const reason = `the card could not be drawn: ${(error as Error).message}`.slice(0, 300);
      if (!message.requestId || !composer) throw new DeliveryError(reason, 400, undefined, 'CardNotDrawn');
      this.options.onCardNotDrawn?.(message, reason);
      return { activity: composer.text(cardNotDrawnText(message.requestId)), notDrawn: reason };
    }
  }

  /** The record of a card replaced by its fallback line: the key and the reason, nothing of the request. */
  private async auditCardNotDrawn(s: StoreSession, message: OutboxMessage, reason: string): Promise<void> {
    await s.audit.append({
      at: this.options.clock().toISOString(),
      actorId: 'system',
      action: 'outbox.card-not-drawn',
      outcome: 'failure',
      requestId: message.requestId,
      details: { key: message.idempotencyKey, reason },
    });
  }

  /**
   * Edits a card in place; when Teams says the card itself is gone (deleted, or the chat was reset) but the
   * conversation is still there, posts it anew so the reader still sees the current state and its buttons.
   */
  private async updateOrRepost(
    reference: Record<string, unknown>,
    message: OutboxMessage,
    activity: Activity,
    target: string,
  ): Promise<{ activityId: string | undefined; repostOf?: string | undefined }> {
    try {
      await this.options.notifier.update(reference, target, activity);
      return { activityId: target };
    } catch (raw) {
      const error = toDeliveryError(raw);
      if (!error.messageGone) throw error;
      const posted = await this.options.notifier.send(reference, activity);
      return { activityId: posted.activityId, repostOf: message.updateOf };
    }
  }

  /**
   * A message to a requester's personal chat failed for good (bot removed or blocked, chat gone): the approvers
   * are told once per request in the audit channel, so the request does not end in silence.
   */
  private async reportUnreachableRequester(s: StoreSession, message: OutboxMessage, error: DeliveryError) {
    if (!message.requestId || !message.conversationKey.startsWith('personal:')) return;
    const request = await s.requests.get(message.requestId);
    if (!request || conversationKeys.personal(request.requester.id) !== message.conversationKey) return;
    const channel = (await s.channels.get('audit')) ?? (await s.channels.get('approvals'));
    const at = this.options.clock().toISOString();
    const text =
      `${request.requester.displayName} can't be reached in Teams (${error.status} ${error.code ?? 'not found'}), ` +
      `so they have not seen the latest on ${request.id} (now ${request.status}). Please tell them another way.`;
    const first = await s.kv.setIfAbsent(`outbox:unreachable:${request.id}`, at);
    if (!first) return;
    await s.audit.append({
      at,
      actorId: 'system',
      action: 'requester.unreachable',
      outcome: 'failure',
      requestId: request.id,
      targetType: 'user',
      targetId: request.requester.id,
      details: { reason: error.reason.slice(0, 300), outboxKey: message.idempotencyKey },
    });
    if (channel)
      await s.outbox.enqueue({
        idempotencyKey: `unreachable:${request.id}`,
        conversationKey: channel.conversationKey,
        operation: 'send',
        activity: { type: 'message', text },
        requestId: request.id,
        createdAt: at,
      });
  }

  /** The activity id an update edits; fails without calling Teams when it cannot be known. */
  private async targetActivityId(message: OutboxMessage): Promise<string> {
    const ref = message.updateOf;
    if (!ref) throw new DeliveryError('an update without updateOf', 400, undefined);
    const reposted = await this.options.store.kv.get<string>(repostedKey(ref));
    if (reposted) return reposted;
    if (ref.startsWith('activity:')) return ref.slice('activity:'.length);
    const target = await this.options.store.outbox.getByKey(ref);
    if (target?.activityId) return target.activityId;
    if (!target || target.status === 'dead')
      throw new DeliveryError(
        `the message to update (${ref}) ${target ? 'is dead' : 'does not exist'}`,
        424,
        undefined,
      );
    throw new DeliveryError(`the message to update (${ref}) has not been sent yet`, undefined, 1000);
  }

  /**
   * Takes a send slot and, in the same transaction, renews the lane (fenced: refused when another sender took the
   * conversation over while this one was paused) and marks the message in flight in its row. Taken last, right
   * before the connector call, so the send leaves at its slot and no wait separates the fence from the call.
   */
  private async takeSlot(
    key: string,
    message: OutboxMessage,
    token: number,
    sendTimes: LaneSendTimes,
  ): Promise<number | undefined> {
    this.mine.add(message.id);
    try {
      return await this.pacer.acquire(
        key,
        async (s) => {
          const renewed = await s.leases.acquire(laneLease(key), this.sender, this.laneLeaseMs);
          if (renewed !== token) throw new LaneLost(`lane ${key} was taken over`);
          await s.outbox.markInFlight(message.id, this.sender, this.options.clock().toISOString());
        },
        sendTimes,
      );
    } catch (error) {
      this.mine.delete(message.id);
      throw error;
    }
  }

  /**
   * Keeps the lane's lease alive while a connector call is under way (a slow call must not let another replica take
   * the conversation over and re-send a message that is still in flight).
   */
  private async holdingLane<T>(key: string, call: () => Promise<T>): Promise<T> {
    const renew = () =>
      void this.options.store.leases.acquire(laneLease(key), this.sender, this.laneLeaseMs).catch(() => undefined);
    const heartbeat = setInterval(renew, Math.max(100, this.laneLeaseMs / 3));
    try {
      return await call();
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Stores the outcome; markSent and markFailed clear the row's in-flight mark in the same write. */
  private async finish(id: number, write: (s: StoreSession) => Promise<void>): Promise<void> {
    await this.options.store.transaction(write);
    this.mine.delete(id);
  }

  /** Polls on a timer: starts lanes for newly due conversations without waiting for running ones. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.halting = false;
    const tick = async () => {
      if (this.stopped) return;
      try {
        this.startLanes(await this.dueConversations());
        await this.pacer.sweep();
      } catch {
        // a storage hiccup: the next tick tries again
      }
      if (!this.stopped)
        this.timer = setTimeout(() => {
          this.loop = tick();
        }, this.options.pollMs ?? 500);
    };
    this.loop = tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.halting = true;
    if (this.timer) clearTimeout(this.timer);
    await this.loop;
    await Promise.allSettled([...this.lanes.values()]);
  }
}
