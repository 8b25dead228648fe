// Several outbox workers on one database, as several replicas would run them (SQLite file and the real PostgreSQL):
// one sender per conversation, order kept, Teams' windows held for the sum of all senders, and a sender that takes
// a conversation over after a crash starting from what the fleet really sent. Real time, scaled-down windows.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/config.js';
import type { Notifier } from '../../src/outbox/notifier.js';
import { OutboxWorker } from '../../src/outbox/outbox-worker.js';
import type { PacingLimits } from '../../src/outbox/rate-limiter.js';
import type { Store } from '../../src/requests/ports/store.js';
import { openPostgresStore } from '../../src/storage/postgres-store.js';
import { openSqliteStore } from '../../src/storage/sqlite-store.js';
import { createAdapter } from '../../src/teams/adapter.js';
import { TeamsNotifier } from '../../src/teams/teams-notifier.js';
import { ConnectorDouble } from '../support/connector-double.js';
import { resetDatabase, useThrowawayPostgres } from '../support/postgres.js';
import { busiestWindows } from './support.js';

const LIMITS: PacingLimits = {
  perConversation: [{ limit: 3, windowMs: 1000 }],
  perTenant: [{ limit: 5, windowMs: 1000 }],
};
/** Generous margin: the assertions read the connector's arrival times on a busy 2-core machine. */
const MARGIN_MS = 250;

function describeFleet(name: string, openPair: () => Promise<[Store, Store]>) {
  describe(`outbox fleet: ${name}`, () => {
    let stores: Store[] = [];
    let connector: ConnectorDouble;
    const notifier = new TeamsNotifier(createAdapter(parseConfig({})), '');

    beforeEach(async () => {
      stores = await openPair();
      connector = new ConnectorDouble();
      await connector.start();
    });
    afterEach(async () => {
      for (const s of stores) await s.close();
      await connector.stop();
    });

    async function conversation(id: string): Promise<string> {
      const key = `channel:${id}`;
      await stores[0]!.conversations.upsert({
        key,
        reference: {
          serviceUrl: connector.url,
          channelId: 'msteams',
          bot: { id: '28:governance-bot', name: 'Governance' },
          conversation: { id, conversationType: 'channel', isGroup: true },
        },
        updatedAt: new Date().toISOString(),
      });
      return key;
    }

    const worker = (store: Store, extra: Partial<ConstructorParameters<typeof OutboxWorker>[0]> = {}) =>
      new OutboxWorker({
        store,
        notifier,
        clock: () => new Date(),
        limits: LIMITS,
        pacingMarginMs: MARGIN_MS,
        random: () => 0.5,
        ...extra,
      });

    const enqueue = (key: string, conversationKey: string) =>
      stores[0]!.outbox.enqueue({
        idempotencyKey: key,
        conversationKey,
        operation: 'send',
        activity: { type: 'message', text: key },
        createdAt: new Date().toISOString(),
      });

    it('two replicas: one sender per conversation, order kept, windows held across both', async () => {
      const ids = ['19:a@thread', '19:b@thread', '19:c@thread'];
      for (const id of ids) await conversation(id);
      for (let i = 1; i <= 5; i++) for (const id of ids) await enqueue(`${id}#${i}`, `channel:${id}`);
      const senders = new Map<string, Set<string>>();
      const tagging = (who: string): Notifier => ({
        send: (ref, a) => {
          const id = String((ref.conversation as { id: string }).id);
          senders.set(id, (senders.get(id) ?? new Set()).add(who));
          return notifier.send(ref, a);
        },
        update: (ref, id, a) => notifier.update(ref, id, a),
      });
      await Promise.all([
        worker(stores[0]!, { notifier: tagging('A') }).drain(),
        worker(stores[1]!, { notifier: tagging('B') }).drain(),
      ]);

      for (const id of ids) {
        assert.deepEqual(
          connector.messages(id).map((c) => c.body.text),
          [1, 2, 3, 4, 5].map((i) => `${id}#${i}`),
          `${id}: each message once, in order`,
        );
        assert.equal(senders.get(id)?.size, 1, `${id}: one sender`);
        const [perConversation] = busiestWindows(
          connector.messages(id).map((c) => c.at),
          LIMITS.perConversation,
        );
        assert.ok(perConversation!.max <= 3, `${id}: ${perConversation!.max} in 1 s`);
      }
      const [tenant] = busiestWindows(
        connector.messages().map((c) => c.at),
        LIMITS.perTenant,
      );
      assert.ok(tenant!.max <= 5, `tenant: ${tenant!.max} in 1 s across both replicas`);
      assert.equal((await stores[1]!.outbox.list({ status: 'pending' })).length, 0);
    });

    it('paces from when Teams received a send, not from when it was reserved (a late arrival on a busy machine)', async () => {
      const id = '19:late@thread';
      const key = await conversation(id);
      for (let i = 1; i <= 4; i++) await enqueue(`late#${i}`, key);
      // The first send reaches Teams 600 ms after its slot was granted (a slow pool, a loaded machine); the others
      // at once. Paced on reservation times, the 4th would go out ~1 s after the 1st was reserved, which is only
      // ~400 ms after Teams counted it: four in one second at Teams.
      let calls = 0;
      const slowFirst: Notifier = {
        send: async (ref, a) => {
          if (++calls === 1) await new Promise((r) => setTimeout(r, 600));
          return notifier.send(ref, a);
        },
        update: (ref, activityId, a) => notifier.update(ref, activityId, a),
      };
      await worker(stores[0]!, { notifier: slowFirst, pacingMarginMs: 20 }).drain();
      const times = connector.messages(id).map((c) => c.at);
      assert.equal(times.length, 4);
      const [window] = busiestWindows(times, LIMITS.perConversation);
      assert.ok(
        window!.max <= 3,
        `${window!.max} sends within 1 s at the connector: ${times.map((t) => t - times[0]!)}`,
      );
    });

    it("the lane's holder reads its conversation's send log once, then keeps it (the windows still hold)", async () => {
      const id = '19:kept@thread';
      const key = await conversation(id);
      for (let i = 1; i <= 5; i++) await enqueue(`kept#${i}`, key);
      let conversationReads = 0;
      const base = stores[0]!;
      const counting: Store = {
        ...base,
        transaction: (fn) =>
          base.transaction((s) =>
            fn({
              ...s,
              outbox: {
                ...s.outbox,
                sendTimes: (conversationKey, since) => {
                  if (conversationKey !== undefined) conversationReads++;
                  return s.outbox.sendTimes(conversationKey, since);
                },
              },
            }),
          ),
      };
      await worker(counting).drain();
      const times = connector.messages(id).map((c) => c.at);
      assert.equal(times.length, 5);
      assert.ok(busiestWindows(times, LIMITS.perConversation)[0]!.max <= 3, `${times.map((t) => t - times[0]!)}`);
      assert.equal(conversationReads, 1, 'read when the lane was taken, never again for its sends');
    });

    it('a sender taking over after a crash starts from what the fleet already sent', async () => {
      const key = await conversation('19:takeover@thread');
      for (let i = 1; i <= 6; i++) await enqueue(`m${i}`, key);
      const limits: PacingLimits = {
        perConversation: [{ limit: 3, windowMs: 3000 }],
        perTenant: [{ limit: 30, windowMs: 1000 }],
      };
      // Replica A sends three messages, then hangs for good inside the fourth call (holding its lane).
      let calls = 0;
      const hanging: Notifier = {
        send: (ref, a) => (++calls <= 3 ? notifier.send(ref, a) : new Promise(() => undefined)),
        update: (ref, id, a) => notifier.update(ref, id, a),
      };
      void worker(stores[0]!, { notifier: hanging, limits, laneLeaseMs: 300 }).drain();
      await connector.waitFor((c) => c.length === 3);
      // Replica B: takes the lane over once A's lease ran out, and waits for the window A filled.
      await new Promise((r) => setTimeout(r, 400));
      await worker(stores[1]!, { limits, laneLeaseMs: 300 }).drain();

      const sent = connector.messages('19:takeover@thread');
      assert.deepEqual(
        sent.map((c) => c.body.text),
        ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'],
      );
      const [window] = busiestWindows(
        sent.map((c) => c.at),
        limits.perConversation,
      );
      assert.ok(window!.max <= 3, `${window!.max} sends within 3 s across the takeover`);
      assert.ok(sent[3]!.at - sent[0]!.at >= 3000, 'B waited for the window A had filled');
    });
  });
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describeFleet('sqlite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'govbot-fleet-'));
  dirs.push(dir);
  return [await openSqliteStore({ dataDir: dir }), await openSqliteStore({ dataDir: dir })];
});

describe('outbox fleet on PostgreSQL', () => {
  const url = useThrowawayPostgres();
  describeFleet('postgres', async () => {
    await resetDatabase(url());
    const first = await openPostgresStore({ connectionString: url(), maxConnections: 4 });
    return [first, await openPostgresStore({ connectionString: url(), maxConnections: 4 })];
  });
});
