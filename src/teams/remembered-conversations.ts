// Every activity refreshes its conversation's stored reference (what proactive messages need later). Most turns
// carry the same reference as the last one, so it is written only when it changed, or when this process last wrote
// it more than REWRITE_AFTER_MS ago: updated_at is what retention reads ("unused for 180 days"), and an hour's
// granularity is plenty for that.
import { LRUCache } from 'lru-cache';
import type { Store } from '../requests/ports/store.js';

export const REWRITE_AFTER_MS = 60 * 60_000;
const MAX_CONVERSATIONS = 10_000;

export class RememberedConversations {
  /** What this process last wrote per key: the reference as JSON, and when (by the bot's clock). */
  private readonly written = new LRUCache<string, { json: string; at: number }>({ max: MAX_CONVERSATIONS });

  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
  ) {}

  async remember(key: string, reference: Record<string, unknown>): Promise<void> {
    const json = JSON.stringify(reference);
    const now = this.clock();
    const last = this.written.get(key);
    if (last && last.json === json && now.getTime() - last.at < REWRITE_AFTER_MS && now.getTime() >= last.at) return;
    await this.store.conversations.upsert({ key, reference, updatedAt: now.toISOString() });
    this.written.set(key, { json, at: now.getTime() });
  }
}
