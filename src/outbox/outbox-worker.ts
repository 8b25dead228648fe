// Sends what the use cases put in the outbox: oldest first, paced to Teams' per-conversation and per-tenant
// limits (bottleneck), retried with backoff on 429/5xx honouring Retry-After, marked dead after a bound.
import Bottleneck from 'bottleneck';
import type { OutboxMessage, Store } from '../storage/store.js';
import { DeliveryError, type Notifier, toDeliveryError } from './notifier.js';

export interface OutboxWorkerOptions {
  store: Store;
  notifier: Notifier;
  clock: () => Date;
  maxAttempts?: number;
  pollMs?: number;
  batchSize?: number;
  /** Teams limits, per bot per conversation and per tenant; overridable for benchmarks. */
  limits?: { perConversationPerSecond: number; perConversationPer30s: number; perTenantPerSecond: number };
  onError?: (error: unknown, message: OutboxMessage) => void;
  onSent?: (message: OutboxMessage) => void;
}

export const TEAMS_LIMITS = { perConversationPerSecond: 7, perConversationPer30s: 60, perTenantPerSecond: 30 };

export class OutboxWorker {
  private readonly tenantLimiter: Bottleneck;
  private readonly conversationLimiters = new Map<string, Bottleneck>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = true;

  constructor(private readonly options: OutboxWorkerOptions) {
    const limits = options.limits ?? TEAMS_LIMITS;
    this.tenantLimiter = new Bottleneck({
      reservoir: limits.perTenantPerSecond,
      reservoirRefreshAmount: limits.perTenantPerSecond,
      reservoirRefreshInterval: 1000,
      maxConcurrent: 4,
    });
  }

  private conversationLimiter(key: string): Bottleneck {
    let limiter = this.conversationLimiters.get(key);
    if (!limiter) {
      const limits = this.options.limits ?? TEAMS_LIMITS;
      // Two nested windows: a per-second burst inside a 30-second budget. maxConcurrent 1 keeps order.
      const perSecond = new Bottleneck({
        maxConcurrent: 1,
        reservoir: limits.perConversationPerSecond,
        reservoirRefreshAmount: limits.perConversationPerSecond,
        reservoirRefreshInterval: 1000,
      });
      const per30s = new Bottleneck({
        reservoir: limits.perConversationPer30s,
        reservoirRefreshAmount: limits.perConversationPer30s,
        reservoirRefreshInterval: 30_000,
      });
      perSecond.chain(per30s);
      per30s.chain(this.tenantLimiter);
      limiter = perSecond;
      this.conversationLimiters.set(key, limiter);
    }
    return limiter;
  }

  /** Sends every due message once; returns how many were attempted. */
  async drain(): Promise<number> {
    if (this.running) return this.running;
    this.running = this.sendDue().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sendDue(): Promise<number> {
    const { store, clock } = this.options;
    const due = await store.outbox.due(clock().toISOString(), this.options.batchSize ?? 200);
    // Per conversation in order; conversations in parallel (each has its own limiter).
    const byConversation = new Map<string, OutboxMessage[]>();
    for (const m of due) byConversation.set(m.conversationKey, [...(byConversation.get(m.conversationKey) ?? []), m]);
    await Promise.all(
      [...byConversation.entries()].map(async ([key, messages]) => {
        for (const message of messages) {
          const ok = await this.conversationLimiter(key).schedule(() => this.deliver(message));
          if (!ok) break; // keep order: later messages to this conversation wait for the failed one
        }
      }),
    );
    return due.length;
  }

  private async deliver(message: OutboxMessage): Promise<boolean> {
    const { store, notifier, clock } = this.options;
    try {
      const conversation = await store.conversations.get(message.conversationKey);
      if (!conversation) throw new DeliveryError(`no stored conversation ${message.conversationKey}`, 404, undefined);
      if (message.operation === 'update') {
        const target = await this.targetActivityId(message);
        if (!target) throw new DeliveryError('the message to update has not been sent yet', undefined, 1000);
        await notifier.update(conversation.reference, target, message.activity);
        await store.outbox.markSent(message.id, target);
      } else {
        const sent = await notifier.send(conversation.reference, message.activity);
        await store.outbox.markSent(message.id, sent.activityId);
      }
      this.options.onSent?.(message);
      return true;
    } catch (raw) {
      const error = toDeliveryError(raw);
      this.options.onError?.(error, message);
      const attempts = message.attempts + 1;
      const dead = !error.retryable || attempts >= (this.options.maxAttempts ?? 8);
      const backoff = Math.min(1000 * 2 ** (attempts - 1), 5 * 60_000) * (0.8 + Math.random() * 0.4);
      const wait = error.retryAfterMs ?? backoff;
      await store.outbox.markFailed(
        message.id,
        `${error.status ?? 'network'}: ${error.message}`.slice(0, 500),
        new Date(clock().getTime() + wait).toISOString(),
        dead,
      );
      return dead; // a dead message no longer blocks the conversation
    }
  }

  private async targetActivityId(message: OutboxMessage): Promise<string | undefined> {
    const ref = message.updateOf;
    if (!ref) return undefined;
    if (ref.startsWith('activity:')) return ref.slice('activity:'.length);
    return (await this.options.store.outbox.getByKey(ref))?.activityId;
  }

  start(): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      try {
        await this.drain();
      } catch {
        // storage hiccup: try again on the next tick
      }
      if (!this.stopped) this.timer = setTimeout(loop, this.options.pollMs ?? 500);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.tenantLimiter.stop({ dropWaitingJobs: false }).catch(() => undefined);
  }
}
