// In production mode (BOT_ID set) every request to /api/messages must carry a valid Bot Framework JWT.
import assert from 'node:assert/strict';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { users } from '../support/fixture-ids.js';

describe('teams: authentication of /api/messages', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('refuses an unauthenticated activity when a bot registration is configured', async () => {
    h = await startHarness({
      env: {
        BOT_ID: '11111111-2222-3333-4444-555555555555',
        BOT_PASSWORD: 'not-a-real-secret',
        BOT_TENANT_ID: '5ee02f6f-a6ba-5275-b785-41bc607c001c',
        HOST: '127.0.0.1',
      },
    });
    const res = await h.personal(users.alex, 'help');
    assert.equal(res.status, 401);
    const forged = await h.post({
      type: 'message',
      id: 'x',
      serviceUrl: h.connector.url,
      from: { id: 'x', aadObjectId: users.megan.id },
      conversation: { id: 'c' },
      text: 'approve REQ-1001',
    });
    assert.equal(forged.status, 401);
    // Answered before the SDK (which would print a stack trace for it): a JSON error that says what is missing.
    assert.deepEqual(await forged.json(), {
      error: {
        code: 'Unauthorized',
        message: 'Every activity must carry a Bot Framework token (Authorization: Bearer).',
      },
    });
    assert.equal(h.connector.calls.length, 0);
  });

  it('accepts anonymous activities when no bot registration is configured (local, loopback only)', async () => {
    h = await startHarness();
    assert.match(h.bot.url, /^http:\/\/127\.0\.0\.1:/);
    const res = await h.personal(users.alex, 'help');
    assert.equal(res.status, 200);
  });
});
