// A conversation's reference is written when it changes or has not been written for an hour (retention reads
// updated_at), not on every turn.
import assert from 'node:assert/strict';
import type { Store } from '../../src/requests/ports/store.js';
import { openSqliteStore } from '../../src/storage/sqlite-store.js';
import { REWRITE_AFTER_MS, RememberedConversations } from '../../src/teams/remembered-conversations.js';

describe('teams: remembered conversations', () => {
  let store: Store;
  let now: number;
  let upserts: number;
  const clock = () => new Date(now);
  const reference = (serviceUrl: string) => ({ serviceUrl, conversation: { id: 'a:personal-alex' } });

  beforeEach(async () => {
    store = await openSqliteStore({ filename: ':memory:' });
    now = Date.parse('2026-11-30T12:00:00Z');
    upserts = 0;
    const upsert = store.conversations.upsert.bind(store.conversations);
    store.conversations.upsert = (record) => {
      upserts++;
      return upsert(record);
    };
  });
  afterEach(async () => {
    await store.close();
  });

  it('writes the first time, skips an unchanged reference, and writes a changed one at once', async () => {
    const remembered = new RememberedConversations(store, clock);
    await remembered.remember('personal:alex', reference('http://one'));
    now += 1000;
    await remembered.remember('personal:alex', reference('http://one'));
    assert.equal(upserts, 1);
    now += 1000;
    await remembered.remember('personal:alex', reference('http://two'));
    assert.equal(upserts, 2);
    const stored = await store.conversations.get('personal:alex');
    assert.equal(stored?.reference.serviceUrl, 'http://two');
    assert.equal(stored?.updatedAt, new Date(now).toISOString());
  });

  it('writes an unchanged reference again after an hour, so retention sees the conversation in use', async () => {
    const remembered = new RememberedConversations(store, clock);
    await remembered.remember('personal:alex', reference('http://one'));
    now += REWRITE_AFTER_MS - 1;
    await remembered.remember('personal:alex', reference('http://one'));
    assert.equal(upserts, 1);
    now += 2;
    await remembered.remember('personal:alex', reference('http://one'));
    assert.equal(upserts, 2);
    assert.equal((await store.conversations.get('personal:alex'))?.updatedAt, new Date(now).toISOString());
  });

  it('writes again when the clock went back', async () => {
    const remembered = new RememberedConversations(store, clock);
    await remembered.remember('personal:alex', reference('http://one'));
    now -= 1000;
    await remembered.remember('personal:alex', reference('http://one'));
    assert.equal(upserts, 2);
  });
});
