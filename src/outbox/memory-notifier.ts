// An in-memory Notifier for tests and benchmarks: records what was posted and edited, in order, and can be told
// to fail the next calls the way the Bot Connector does (429 with Retry-After, 5xx, 404 for an unknown message).
import type { Activity } from './messages.js';
import { DeliveryError, type Notifier } from './notifier.js';

export interface MemoryPost {
  conversationId: string;
  activityId: string;
  activity: Activity;
  /** Every version this message had, oldest first (index 0 = as posted). */
  versions: Activity[];
}

export class MemoryNotifier implements Notifier {
  readonly posts: MemoryPost[] = [];
  /** Every call in order: what Teams would have seen. */
  readonly calls: { operation: 'send' | 'update'; conversationId: string; activityId: string; at: number }[] = [];
  private readonly failures: { status: number; retryAfterMs?: number | undefined; code?: string | undefined }[] = [];
  private nextId = 1;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  /** The next `times` calls fail with `status` (and Retry-After, in ms, for 429/503). */
  failNext(status: number, times = 1, retryAfterMs?: number, code?: string): void {
    for (let i = 0; i < times; i++) this.failures.push({ status, retryAfterMs, code });
  }

  async send(reference: Record<string, unknown>, activity: Activity): Promise<{ activityId?: string }> {
    const conversationId = conversationOf(reference);
    this.throwIfFailing();
    const activityId = `mem-${this.nextId++}`;
    this.posts.push({ conversationId, activityId, activity, versions: [activity] });
    this.calls.push({ operation: 'send', conversationId, activityId, at: this.clock().getTime() });
    return { activityId };
  }

  async update(reference: Record<string, unknown>, activityId: string, activity: Activity): Promise<void> {
    const conversationId = conversationOf(reference);
    this.throwIfFailing();
    const post = this.posts.find((p) => p.activityId === activityId && p.conversationId === conversationId);
    if (!post)
      throw new DeliveryError(
        `activity ${activityId} not found in ${conversationId}`,
        404,
        undefined,
        'ActivityNotFoundInConversation',
      );
    post.activity = activity;
    post.versions.push(activity);
    this.calls.push({ operation: 'update', conversationId, activityId, at: this.clock().getTime() });
  }

  /** Messages posted to one conversation, in order. */
  postsTo(conversationId: string): MemoryPost[] {
    return this.posts.filter((p) => p.conversationId === conversationId);
  }

  private throwIfFailing(): void {
    const failure = this.failures.shift();
    if (failure) throw new DeliveryError(`HTTP ${failure.status}`, failure.status, failure.retryAfterMs, failure.code);
  }
}

function conversationOf(reference: Record<string, unknown>): string {
  const id = (reference.conversation as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || id === '')
    throw new DeliveryError('the reference names no conversation', 400, undefined);
  return id;
}
