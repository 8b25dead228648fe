// Filing a request reads only what a new request can have: its approval card is enqueued without looking for a card,
// a receipt or copies of it to edit (none exist yet), in the same transaction that stores it.
import assert from 'node:assert/strict';
import { GovernanceService } from '../../src/requests/governance-service.js';
import type { Store, StoreSession } from '../../src/requests/ports/store.js';
import { AdaptiveCardComposer } from '../../src/teams/cards/composer.js';
import { type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { team, users } from '../support/fixture-ids.js';

describe('requests: what filing reads', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ kickWorkers: false });
  });
  afterEach(async () => {
    await h.stop();
  });

  /** The store, recording each outbox look-up by key, kv read and conversation read made in its transactions. */
  function recordingReads(store: Store): { store: Store; reads: string[] } {
    const reads: string[] = [];
    const read = <T>(what: string, value: Promise<T>) => {
      reads.push(what);
      return value;
    };
    const recording = (s: StoreSession): StoreSession => ({
      ...s,
      outbox: { ...s.outbox, getByKey: (key) => read(`outbox ${key}`, s.outbox.getByKey(key)) },
      kv: { ...s.kv, get: (key) => read(`kv ${key}`, s.kv.get(key)) },
      conversations: { ...s.conversations, get: (key) => read(`conversation ${key}`, s.conversations.get(key)) },
    });
    const wrapped: Store = Object.assign(Object.create(store) as Store, {
      transaction: <T>(fn: (s: StoreSession) => Promise<T>) => store.transaction((s) => fn(recording(s))),
    });
    return { store: wrapped, reads };
  }

  it('enqueues the approval card of a new request without looking for a card, receipt or copy to edit', async () => {
    await setUpChannels(h);
    await h.personal(users.alex, 'hello'); // the bot now holds Alex's personal chat, where a receipt would be edited
    const env = (await h.bot.tenant.listEnvironments()).find((e) => e.displayName === 'Marketing Sandbox');
    assert.ok(env);
    const { store, reads } = recordingReads(h.bot.store);
    const service = new GovernanceService({
      store,
      tenant: h.bot.tenant,
      composer: new AdaptiveCardComposer(),
      policy: h.bot.policy,
      clock: () => new Date(),
    });
    const result = await service.file({
      requesterId: users.alex.id,
      details: { type: 'maker-role', environment: env },
    });
    assert.equal(result.kind, 'filed');
    assert.deepEqual(reads, []);
    const queued = await h.bot.store.outbox.list({ status: 'pending' });
    const card = queued.find((m) => m.idempotencyKey === `approval:${result.kind === 'filed' && result.request.id}`);
    assert.ok(card, 'the approval card is queued');
    assert.equal(card.operation, 'send');
    assert.equal(card.conversationKey, `channel:${team.approvals}`);
    assert.equal(
      queued.filter((m) => m.requestId === card.requestId).length,
      1,
      'nothing else is queued for a new request',
    );
  });
});
