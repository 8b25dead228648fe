// The one place the reused Bot Connector clients are made (turn-connectors.ts, proactive-connectors.ts).
import type { LRUCache } from 'lru-cache';

/** One client promise per key; a failed creation (credentials refused, say) is not kept: the next turn asks again. */
export function once<T>(cache: LRUCache<string, Promise<T>>, key: string, create: () => Promise<T>): Promise<T> {
  let made = cache.get(key);
  if (!made) {
    made = create();
    cache.set(key, made);
    made.catch(() => cache.delete(key));
  }
  return made;
}
