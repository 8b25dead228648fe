// Teams user ids (MRIs) learnt from activities: kept in storage for every replica, and in memory only for the most
// recently seen users, so a large tenant's long tail does not grow the process without bound.
import assert from 'node:assert/strict';
import type { Store } from '../../src/requests/ports/store.js';
import { openSqliteStore } from '../../src/storage/sqlite-store.js';
import { TeamsUserIds } from '../../src/teams/teams-user-ids.js';

describe('teams: Teams user ids', () => {
  let store: Store;
  let now: number;
  const clock = () => new Date(now);
  beforeEach(async () => {
    store = await openSqliteStore({ filename: ':memory:' });
    now = Date.parse('2026-11-30T12:00:00Z');
  });
  afterEach(async () => {
    await store.close();
  });

  it('lists a known user by MRI and an unknown one by object id', async () => {
    const ids = new TeamsUserIds(store, clock);
    await ids.remember('aad-alex', '29:alex');
    assert.deepEqual(ids.idsFor(['aad-alex', 'aad-nobody']), ['29:alex', 'aad-nobody']);
  });

  it('keeps only the most recent users in memory and reads an evicted one back from storage', async () => {
    const ids = new TeamsUserIds(store, clock, 2);
    await ids.remember('aad-a', '29:a');
    await ids.remember('aad-b', '29:b');
    await ids.remember('aad-c', '29:c'); // evicts a from memory; storage still has it
    assert.deepEqual(ids.idsFor(['aad-b', 'aad-c']), ['29:b', '29:c']);
    assert.equal(ids.idsFor(['aad-a'])[0], 'aad-a', 'not in memory: listed by object id while it is read back');
    for (let i = 0; i < 20 && ids.idsFor(['aad-a'])[0] !== '29:a'; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(ids.idsFor(['aad-a'])[0], '29:a', 'read back from storage');
  });
});
