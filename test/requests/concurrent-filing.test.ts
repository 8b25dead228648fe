// Two identical requests filed at the same moment give one request and one "you already asked"; a cancel that
// races with another edit of the request still cancels.
import assert from 'node:assert/strict';
import { GovernanceService } from '../../src/requests/governance-service.js';
import type { RequestFilter, Store } from '../../src/requests/ports/store.js';
import { AdaptiveCardComposer } from '../../src/teams/cards/composer.js';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { users } from '../support/fixture-ids.js';

describe('requests: concurrent filing and cancelling', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  async function makerRoleDetails() {
    const env = (await h.bot.tenant.listEnvironments()).find((e) => e.displayName === 'Marketing Sandbox');
    assert.ok(env);
    return { type: 'maker-role' as const, environment: env };
  }

  it('files one request when the same request arrives twice at once', async () => {
    const details = await makerRoleDetails();
    // Make the race certain: every caller has done its early duplicate check before any of them writes, as
    // two bot processes on one database can. The store itself is the real one.
    const callers = 4;
    let waiting = 0;
    let release: () => void = () => undefined;
    const allRead = new Promise<void>((resolve) => {
      release = resolve;
    });
    const store = h.bot.store;
    const racingStore: Store = Object.assign(Object.create(store) as Store, {
      requests: {
        ...store.requests,
        list: async (filter?: RequestFilter) => {
          const found = await store.requests.list(filter);
          if (++waiting === callers) release();
          await allRead;
          return found;
        },
      },
    });
    const service = new GovernanceService({
      store: racingStore,
      tenant: h.bot.tenant,
      composer: new AdaptiveCardComposer(),
      policy: h.bot.policy,
      clock: () => new Date(),
    });
    const results = await Promise.all(
      Array.from({ length: callers }, () => service.file({ requesterId: users.alex.id, details })),
    );
    assert.equal(results.filter((r) => r.kind === 'filed').length, 1);
    assert.equal(results.filter((r) => r.kind === 'duplicate').length, 3);
    assert.equal((await h.bot.store.requests.list()).length, 1);
  });

  it('cancels even when another edit of the request lands first', async () => {
    const filed = await h.bot.service.file({ requesterId: users.alex.id, details: await makerRoleDetails() });
    assert.equal(filed.kind, 'filed');
    const [cancelled] = await Promise.all([
      h.bot.service.cancel('REQ-1001', users.alex.id),
      h.bot.service.attachReceipt('REQ-1001', 'conversation', 'activity-1'),
    ]);
    assert.equal(cancelled.kind, 'decided');
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'cancelled');
  });
});
