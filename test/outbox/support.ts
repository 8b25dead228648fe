// Shared set-up for outbox tests: a SQLite store in a temp dir, a fake clock that only moves when someone sleeps,
// the Teams notifier over HTTP to the Bot Connector double, and a check of send times against rate windows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/config.js';
import type { Notifier } from '../../src/outbox/notifier.js';
import type { RateWindow } from '../../src/outbox/rate-limiter.js';
import type { Store } from '../../src/requests/ports/store.js';
import { openSqliteStore } from '../../src/storage/sqlite-store.js';
import { createAdapter } from '../../src/teams/adapter.js';
import { TeamsNotifier } from '../../src/teams/teams-notifier.js';
import { ConnectorDouble } from '../support/connector-double.js';

export class FakeClock {
  now = Date.parse('2025-03-03T09:00:00.000Z');
  readonly clock = () => new Date(this.now);
  readonly sleep = async (ms: number) => {
    this.now += Math.max(1, ms);
  };
  advance(ms: number): void {
    this.now += ms;
  }
}

export interface OutboxRig {
  store: Store;
  connector: ConnectorDouble;
  notifier: Notifier;
  time: FakeClock;
  dataDir: string;
  /** Stores a channel conversation reference pointing at the double; returns its conversation key. */
  addConversation(conversationId: string): Promise<string>;
  enqueue(key: string, conversationKey: string, text: string, extra?: { updateOf?: string }): Promise<void>;
  stop(): Promise<void>;
}

export async function startRig(): Promise<OutboxRig> {
  const time = new FakeClock();
  const dataDir = mkdtempSync(join(tmpdir(), 'govbot-outbox-'));
  const store = await openSqliteStore({ dataDir, clock: time.clock });
  const connector = new ConnectorDouble();
  await connector.start();
  const notifier = new TeamsNotifier(createAdapter(parseConfig({})), '');
  return {
    store,
    connector,
    notifier,
    time,
    dataDir,
    async addConversation(conversationId) {
      const key = `channel:${conversationId}`;
      await store.conversations.upsert({
        key,
        reference: {
          serviceUrl: connector.url,
          channelId: 'msteams',
          bot: { id: '28:governance-bot', name: 'Governance' },
          conversation: { id: conversationId, conversationType: 'channel', isGroup: true },
        },
        updatedAt: time.clock().toISOString(),
      });
      return key;
    },
    async enqueue(key, conversationKey, text, extra = {}) {
      await store.outbox.enqueue({
        idempotencyKey: key,
        conversationKey,
        operation: extra.updateOf ? 'update' : 'send',
        updateOf: extra.updateOf,
        activity: { type: 'message', text },
        createdAt: time.clock().toISOString(),
      });
    },
    async stop() {
      await store.close();
      await connector.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Wraps a notifier to note the (fake) time of every call that reached it. */
export function timed(notifier: Notifier, clock: () => Date, log: { conversationId: string; at: number }[]): Notifier {
  const idOf = (ref: Record<string, unknown>) => String((ref.conversation as { id?: string })?.id);
  return {
    send(ref, activity) {
      log.push({ conversationId: idOf(ref), at: clock().getTime() });
      return notifier.send(ref, activity);
    },
    update(ref, id, activity) {
      log.push({ conversationId: idOf(ref), at: clock().getTime() });
      return notifier.update(ref, id, activity);
    },
  };
}

/** The worst window: the most send times found inside any span of windowMs, per window. */
export function busiestWindows(
  times: number[],
  windows: RateWindow[],
): { limit: number; windowMs: number; max: number }[] {
  const sorted = [...times].sort((a, b) => a - b);
  return windows.map((w) => {
    let max = 0;
    let start = 0;
    for (let end = 0; end < sorted.length; end++) {
      while ((sorted[start] ?? 0) <= (sorted[end] ?? 0) - w.windowMs) start++;
      max = Math.max(max, end - start + 1);
    }
    return { ...w, max };
  });
}
