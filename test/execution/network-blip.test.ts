// A network failure with no answer at all (status 0) is retried by the job, not turned into a failed request:
// the handler re-reads before writing, so the retry never grants twice.
import assert from 'node:assert/strict';
import { AdminApiError } from '../../src/tenant/tenant-admin.js';
import { approveInChannel, type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { team, users } from '../support/fixture-ids.js';

describe('execution: a network blip during a grant', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('treats status 0 as retryable', () => {
    assert.equal(new AdminApiError(0, 'NetworkError', 'socket hang up', 'POST', 'https://x/y').retryable, true);
    assert.equal(new AdminApiError(400, 'BadRequest', 'no', 'POST', 'https://x/y').retryable, false);
  });

  it('retries the job after the write got no answer, and grants exactly once', async () => {
    let now = Date.parse('2026-11-28T09:00:00Z');
    h = await startHarness({ clock: () => new Date(now), kickWorkers: false });
    await setUpChannels(h);
    await h.personal(users.alex, 'request maker role in Marketing Sandbox');
    await h.bot.outbox.drain();
    const post = h.connector.messages(team.approvals).find((c) => c.method === 'POST');
    assert.ok(post);
    // The grant write is answered with a connection reset: the client sees no status at all.
    h.bot.simulator?.state.failNext({ method: 'POST', pathIncludes: 'modifyRoleAssignments', status: 0, times: 1 });
    await approveInChannel(h, users.megan, post.id, { requestId: 'REQ-1001', revision: 0 });
    await h.bot.jobs.tick();
    const afterBlip = await h.bot.store.requests.get('REQ-1001');
    assert.equal(afterBlip?.status, 'executing', JSON.stringify(afterBlip?.execution.error));
    now += 10 * 60_000;
    await h.settle();
    const done = await h.bot.store.requests.get('REQ-1001');
    assert.equal(done?.status, 'completed', JSON.stringify(done?.execution.error));
    const writes = h.bot.simulator?.state.requests.filter(
      (r) => r.method === 'POST' && r.path.includes('modifyRoleAssignments') && r.status >= 200 && r.status < 300,
    );
    assert.equal(writes?.length, 1);
  });
});
