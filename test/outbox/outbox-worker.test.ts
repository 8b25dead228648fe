// The outbox worker against the Bot Connector double over HTTP, with a fake clock (no test waits for real time):
// order, pacing by count inside Teams' windows, 429 + Retry-After, dead after a bound and `retry`, crash recovery.
import assert from 'node:assert/strict';
import type { Notifier } from '../../src/outbox/notifier.js';
import { OutboxWorker } from '../../src/outbox/outbox-worker.js';
import { TEAMS_LIMITS } from '../../src/outbox/rate-limiter.js';
import { busiestWindows, type OutboxRig, startRig, timed } from './support.js';

/** The default lane lease: how long a dead sender's conversation waits before another sender takes it. */
const LANE_LEASE_MS = 10_000;

describe('outbox worker', () => {
  let rig: OutboxRig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(async () => {
    await rig.stop();
  });

  const worker = (extra: Partial<ConstructorParameters<typeof OutboxWorker>[0]> = {}) =>
    new OutboxWorker({
      store: rig.store,
      notifier: rig.notifier,
      clock: rig.time.clock,
      pacingNow: () => rig.time.now,
      sleep: rig.time.sleep,
      random: () => 0.5,
      ...extra,
    });

  it('delivers a burst to one channel complete, in order, and never over 7/1 s, 8/2 s or 60/30 s', async () => {
    const conv = await rig.addConversation('19:burst@thread');
    for (let i = 1; i <= 130; i++) await rig.enqueue(`m${i}`, conv, `event ${i}`);
    const sent: { conversationId: string; at: number }[] = [];
    const attempted = await worker({ notifier: timed(rig.notifier, rig.time.clock, sent) }).drain();

    assert.equal(attempted, 130);
    const texts = rig.connector.messages('19:burst@thread').map((c) => c.body.text);
    assert.deepEqual(
      texts,
      Array.from({ length: 130 }, (_, i) => `event ${i + 1}`),
    );
    for (const w of busiestWindows(
      sent.map((s) => s.at),
      TEAMS_LIMITS.perConversation,
    ))
      assert.ok(w.max <= w.limit, `${w.max} sends inside ${w.windowMs} ms (limit ${w.limit})`);
    // Pacing is not over-cautious either: the 60-per-30-s window was filled.
    assert.equal(
      busiestWindows(
        sent.map((s) => s.at),
        [{ limit: 60, windowMs: 30_000 }],
      )[0]?.max,
      60,
    );
    assert.equal((await rig.store.outbox.list({ status: 'pending' })).length, 0);
  });

  it('keeps each conversation in order while several are served side by side', async () => {
    const convs = [await rig.addConversation('19:a@thread'), await rig.addConversation('19:b@thread')];
    for (let i = 1; i <= 20; i++) for (const c of convs) await rig.enqueue(`${c}:${i}`, c, `${c} #${i}`);
    await worker().drain();
    for (const c of convs) {
      const id = c.slice('channel:'.length);
      assert.deepEqual(
        rig.connector.messages(id).map((m) => m.body.text),
        Array.from({ length: 20 }, (_, i) => `${c} #${i + 1}`),
      );
    }
  });

  it('sends a message committed while its lane was ending at once, not at the next poll', async () => {
    const conv = await rig.addConversation('19:late@thread');
    await rig.enqueue('first', conv, 'first');
    let kicked: Promise<number> | undefined;
    let headsRead: () => void = () => undefined;
    const store = {
      ...rig.store,
      outbox: {
        ...rig.store.outbox,
        pendingHeads: async () => {
          const heads = await rig.store.outbox.pendingHeads();
          setImmediate(headsRead);
          return heads;
        },
      },
      leases: {
        ...rig.store.leases,
        // The lane found its queue empty and is letting go: a turn commits a message and kicks the worker now.
        release: async (name: string, holder: string) => {
          if (!kicked) {
            await rig.enqueue('second', conv, 'second');
            const read = new Promise<void>((resolve) => {
              headsRead = resolve;
            });
            kicked = w.drain();
            await read;
          }
          await rig.store.leases.release(name, holder);
        },
      },
    };
    const w = worker({ store });
    await w.drain();
    await kicked;
    assert.deepEqual(
      rig.connector.messages('19:late@thread').map((c) => c.body.text),
      ['first', 'second'],
    );
  });

  it('on 429 waits Retry-After, holds later messages back, then sends all in order', async () => {
    const conv = await rig.addConversation('19:t@thread');
    for (const t of ['one', 'two', 'three']) await rig.enqueue(t, conv, t);
    rig.connector.throttle = { remaining: 2, retryAfterSeconds: 30 };
    const w = worker();

    await w.drain();
    const first = await rig.store.outbox.getByKey('one');
    assert.equal(first?.status, 'pending');
    assert.match(first?.lastError ?? '', /^429/);
    assert.equal(first?.nextAttemptAt, new Date(rig.time.now + 30_000).toISOString(), 'Retry-After honoured');
    assert.equal(rig.connector.messages('19:t@thread').length, 0, 'nothing overtook the throttled message');

    rig.time.advance(29_000);
    assert.equal(await w.drain(), 0, 'not due before Retry-After');
    rig.time.advance(1_000);
    await w.drain(); // second 429
    assert.equal(rig.connector.messages('19:t@thread').length, 0);
    rig.time.advance(30_000);
    await w.drain();
    assert.deepEqual(
      rig.connector.messages('19:t@thread').map((c) => c.body.text),
      ['one', 'two', 'three'],
    );
    assert.equal((await rig.store.outbox.getByKey('one'))?.status, 'sent');
  });

  it('marks a message dead after the bound; retryDead sends it again', async () => {
    const conv = await rig.addConversation('19:d@thread');
    await rig.enqueue('doomed', conv, 'doomed');
    await rig.enqueue('next', conv, 'next');
    rig.connector.throttle = { remaining: 3, retryAfterSeconds: 1 };
    const w = worker({ maxAttempts: 3 });
    for (let i = 0; i < 3; i++) {
      await w.drain();
      rig.time.advance(1_000);
    }
    const dead = await rig.store.outbox.getByKey('doomed');
    assert.equal(dead?.status, 'dead');
    assert.equal(dead?.attempts, 3);
    // A dead message no longer blocks the conversation.
    assert.deepEqual(
      rig.connector.messages('19:d@thread').map((c) => c.body.text),
      ['next'],
    );
    assert.equal(await rig.store.outbox.retryDead([dead?.id ?? -1]), 1);
    await w.drain();
    assert.equal((await rig.store.outbox.getByKey('doomed'))?.status, 'sent');
  });

  it('does not retry what cannot succeed (no stored conversation)', async () => {
    await rig.enqueue('lost', 'channel:never-installed', 'x');
    await worker().drain();
    const m = await rig.store.outbox.getByKey('lost');
    assert.equal(m?.status, 'dead');
    assert.equal(m?.attempts, 1);
  });

  it('edits the same message for an update', async () => {
    const conv = await rig.addConversation('19:u@thread');
    await rig.enqueue('card', conv, 'pending');
    await rig.enqueue('card:v2', conv, 'approved', { updateOf: 'card' });
    await worker().drain();
    const calls = rig.connector.calls.filter((c) => c.conversationId === '19:u@thread');
    assert.deepEqual(
      calls.map((c) => c.method),
      ['POST', 'PUT'],
    );
    assert.equal(calls[1]?.activityId, calls[0]?.id);
    assert.equal((await rig.store.outbox.getByKey('card:v2'))?.activityId, calls[0]?.id);
  });

  describe('crash and resume', () => {
    /** A notifier whose call reaches Teams, then the process "dies" before the outcome is stored. */
    function dyingAfterDelivery(inner: Notifier): Notifier {
      const never = new Promise<never>(() => undefined);
      return {
        send: async (ref, a) => {
          await inner.send(ref, a);
          return never;
        },
        update: async (ref, id, a) => {
          await inner.update(ref, id, a);
          return never;
        },
      };
    }

    // A real crash before the Bot Connector call (SIGKILL at outbox.before-send) is in test/crash/bot-crashes.test.ts.
    it('a message waiting when its process stopped is sent by the next worker, and never again by a third', async () => {
      const conv = await rig.addConversation('19:c1@thread');
      await rig.enqueue('m1', conv, 'hello');
      // The first process died before its worker ran: nothing in flight, the message simply waits.
      await worker().drain();
      assert.equal(rig.connector.messages('19:c1@thread').length, 1);
      await worker().drain();
      assert.equal(rig.connector.messages('19:c1@thread').length, 1, 'a sent message is never sent again');
    });

    it('an update interrupted after Teams applied it is re-applied to the same message, never posted anew', async () => {
      const conv = await rig.addConversation('19:c2@thread');
      await rig.enqueue('card', conv, 'pending');
      await worker().drain();
      await rig.enqueue('card:v2', conv, 'approved', { updateOf: 'card' });
      void worker({ notifier: dyingAfterDelivery(rig.notifier) }).drain();
      await rig.connector.waitFor((calls) => calls.some((c) => c.method === 'PUT'));
      assert.ok((await rig.store.outbox.getByKey('card:v2'))?.inFlightAt, 'marked in flight in its row');
      rig.time.advance(LANE_LEASE_MS + 1); // the dead sender's lane lease runs out

      const interrupted: string[] = [];
      await worker({ onInterrupted: (m, action) => interrupted.push(`${m.idempotencyKey}:${action}`) }).drain();
      const calls = rig.connector.calls.filter((c) => c.conversationId === '19:c2@thread');
      assert.deepEqual(
        calls.map((c) => c.method),
        ['POST', 'PUT', 'PUT'],
      );
      assert.equal(calls[2]?.activityId, calls[0]?.id, 'the same message was edited');
      assert.deepEqual(interrupted, ['card:v2:resend']);
      assert.equal((await rig.store.outbox.getByKey('card:v2'))?.status, 'sent');
      assert.equal((await rig.store.outbox.getByKey('card:v2'))?.inFlightAt, undefined, 'the mark is cleared');
    });

    it("a post interrupted after Teams took it is re-sent by default ('resend': nothing lost)", async () => {
      const conv = await rig.addConversation('19:c3@thread');
      await rig.enqueue('post', conv, 'notice');
      void worker({ notifier: dyingAfterDelivery(rig.notifier) }).drain();
      await rig.connector.waitFor((calls) => calls.length === 1);
      rig.time.advance(LANE_LEASE_MS + 1);
      const interrupted: string[] = [];
      await worker({ onInterrupted: (m, action) => interrupted.push(`${m.idempotencyKey}:${action}`) }).drain();
      assert.deepEqual(interrupted, ['post:resend']);
      assert.equal(rig.connector.messages('19:c3@thread').length, 2);
      assert.equal((await rig.store.outbox.getByKey('post'))?.status, 'sent');
    });

    it("with 'hold', an interrupted post is parked as dead instead: never a duplicate", async () => {
      const conv = await rig.addConversation('19:c4@thread');
      await rig.enqueue('post', conv, 'notice');
      await rig.enqueue('after', conv, 'after');
      void worker({ notifier: dyingAfterDelivery(rig.notifier) }).drain();
      await rig.connector.waitFor((calls) => calls.length === 1);
      rig.time.advance(LANE_LEASE_MS + 1);
      await worker({ interruptedSends: 'hold' }).drain();
      const post = await rig.store.outbox.getByKey('post');
      assert.equal(post?.status, 'dead');
      assert.match(post?.lastError ?? '', /interrupted/);
      assert.deepEqual(
        rig.connector.messages('19:c4@thread').map((c) => c.body.text),
        ['notice', 'after'],
      );
    });
  });
});
