// The per-request cap on recorded card copies (src/requests/card-copies.ts), on the real SQLite store: replies that
// come in crowds (status answers in one chat) give way, oldest first, keeping the newest two; the cards the bot posts
// itself and the approvers' copies are never replaced, and every copy gets its own edit keys.
import assert from 'node:assert/strict';
import { type CardCopy, cardCopies, copyId, MAX_CARD_COPIES, recordCardCopy } from '../../src/requests/card-copies.js';
import type { Store } from '../../src/requests/ports/store.js';
import { openSqliteStore } from '../../src/storage/sqlite-store.js';

const REQ = 'REQ-1001';
const status = (i: number, chat = 'personal:alex'): CardCopy => ({
  conversationKey: chat,
  updateOf: `activity:status-${i}`,
  view: 'requester',
  version: 1,
});

describe('card copies: the cap never crowds out the copies that matter', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openSqliteStore({ filename: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  it('45 status answers, then the bot’s own cards: all recorded, the newest answers kept, approvers’ copies kept', async () => {
    await recordCardCopy(store.kv, REQ, {
      conversationKey: 'channel:approvals',
      updateOf: 'approval-2',
      view: 'approval',
    });
    await recordCardCopy(store.kv, REQ, {
      conversationKey: 'personal:megan',
      updateOf: 'activity:opened',
      view: 'approver',
    });
    for (let i = 0; i < 45; i++) assert.equal(await recordCardCopy(store.kv, REQ, status(i)), true);
    assert.equal(await recordCardCopy(store.kv, REQ, { ...status(99), updateOf: 'question:1' }), true);
    assert.equal(await recordCardCopy(store.kv, REQ, status(45)), true);

    const copies = await cardCopies(store.kv, REQ);
    assert.equal(copies.length, MAX_CARD_COPIES);
    const kept = new Set(copies.map((c) => c.updateOf));
    for (const must of ['approval-2', 'activity:opened', 'question:1', 'activity:status-45', 'activity:status-44'])
      assert.ok(kept.has(must), `${must} kept`);
    assert.ok(!kept.has('activity:status-0'), 'the oldest status answer gave way');
    const ids = copies.map((c, n) => copyId(c, n));
    assert.equal(new Set(ids).size, ids.length, 'every copy has its own edit keys');
  });

  it('when no crowd is left to thin, a new copy is not recorded (and nothing is replaced)', async () => {
    for (let i = 0; i < MAX_CARD_COPIES; i++)
      await recordCardCopy(store.kv, REQ, { ...status(i, `personal:user-${i}`), updateOf: `activity:${i}` });
    assert.equal(await recordCardCopy(store.kv, REQ, status(100, 'personal:user-0')), false);
    const copies = await cardCopies(store.kv, REQ);
    assert.deepEqual(
      copies.map((c) => c.updateOf),
      Array.from({ length: MAX_CARD_COPIES }, (_, i) => `activity:${i}`),
    );
  });
});
