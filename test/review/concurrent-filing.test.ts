// Two identical requests filed at the same moment (a double click on "Ask to extend", two messages sent
// together) must store one request: the second is answered as a duplicate of the first.
import assert from 'node:assert/strict';
import { environmentRef } from '../../src/requests/preparers/lookup.js';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { envs, users } from '../support/fixture-ids.js';

describe('review: concurrent filing of the same request', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ kickWorkers: false });
  });
  afterEach(async () => h.stop());

  it('stores one request when the same request is filed twice at once', async () => {
    const env = await h.bot.tenant.getEnvironment(envs.marketingSandbox);
    assert.ok(env);
    const input = {
      requesterId: users.alex.id,
      details: { type: 'maker-role' as const, environment: environmentRef(env) },
      justification: 'expense app',
    };
    const results = await Promise.all([h.bot.service.file(input), h.bot.service.file(input)]);
    console.log(results.map((r) => r.kind + ("request" in r ? r.request.id : "")));
    assert.deepEqual(results.map((r) => r.kind).sort(), ['duplicate', 'filed']);
    const stored = await h.bot.store.requests.list({ requesterId: users.alex.id });
    assert.equal(stored.length, 1);
    const created = await h.bot.store.audit.list({ action: 'request.created' });
    assert.equal(created.length, 1);
  });
});
