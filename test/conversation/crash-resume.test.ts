// Restarts in one process: a claimed job whose worker stopped resumes after its lease without running twice. The
// tenant outlives the bot, as in real life: one simulator across both bots. Crashes by SIGKILL at chosen points,
// in a child process, are in test/crash/bot-crashes.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '../../src/tenant/simulator/server.js';
import { approveInChannel, type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { ConnectorDouble, cardText, firstCard } from '../support/connector-double.js';
import { envs, team, users } from '../support/fixture-ids.js';

describe('conversation: crash and resume', () => {
  let simulator: RunningSimulator;
  let connector: ConnectorDouble;
  let dataDir: string;
  let now: number;
  const clock = () => new Date(now);
  const harnesses: Harness[] = [];

  beforeEach(async () => {
    simulator = await startSimulator({ port: 0, retryAfterSeconds: 0 });
    connector = new ConnectorDouble();
    await connector.start();
    dataDir = mkdtempSync(join(tmpdir(), 'govbot-crash-'));
    now = Date.parse('2026-11-28T09:00:00Z');
  });
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.stop().catch(() => undefined);
    await simulator.close();
    await connector.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const boot = async () => {
    const h = await startHarness({
      dataDir,
      keepData: true,
      simulatorUrl: simulator.url,
      clock,
      kickWorkers: false,
      connector,
    });
    harnesses.push(h);
    return h;
  };
  const grantWrites = () =>
    simulator.state.requests.filter((r) => r.method === 'POST' && r.path.includes('modifyRoleAssignments')).length;

  it('resumes an approved grant whose worker crashed, and grants exactly once', async () => {
    const first = await boot();
    await setUpChannels(first);
    await first.personal(users.alex, 'request maker role in Marketing Sandbox');
    await first.bot.outbox.drain();
    const post = first.connector.messages(team.approvals).find((c) => c.method === 'POST');
    assert.ok(post);
    await approveInChannel(first, users.megan, post.id, { requestId: 'REQ-1001', revision: 0 });
    // The worker takes the job... and the process dies before it finishes.
    const claimed = await first.bot.store.jobs.claimDue(
      clock().toISOString(),
      new Date(now + 60_000).toISOString(),
      10,
    );
    assert.equal(claimed.length, 1);
    await first.stop();
    harnesses.length = 0;
    assert.equal(grantWrites(), 0);

    // Restart. While the lease holds nothing runs; after it expires the job is taken over.
    const second = await boot();
    assert.equal(await second.bot.jobs.tick(), 0);
    now += 61_000;
    await second.settle();
    const request = await second.bot.store.requests.get('REQ-1001');
    assert.equal(request?.status, 'completed');
    assert.equal(grantWrites(), 1);
    const env = await second.bot.tenant.getEnvironment(envs.marketingSandbox);
    assert.ok(env);
    assert.equal(await second.bot.tenant.hasEnvironmentRole(env, users.alex.id, 'EnvironmentMaker'), true);
    // Real crashes (SIGKILL at a failpoint after the grant, before completion commits) are in test/crash.
  });

  it('resumes a grant that crashed after the admin API call but before the result was stored', async () => {
    const first = await boot();
    await setUpChannels(first);
    await first.personal(users.alex, 'request maker role in Marketing Sandbox');
    await first.settle();
    const post = first.connector.messages(team.approvals).find((c) => c.method === 'POST');
    assert.ok(post);
    await approveInChannel(first, users.megan, post.id, { requestId: 'REQ-1001', revision: 0 });
    // Simulate "the role was granted, then the process died": grant directly, leave the job claimed.
    const env = await first.bot.tenant.getEnvironment(envs.marketingSandbox);
    const user = await first.bot.tenant.getUser(users.alex.id);
    assert.ok(env && user);
    await first.bot.store.jobs.claimDue(clock().toISOString(), new Date(now + 60_000).toISOString(), 10);
    await first.bot.tenant.grantEnvironmentRole(env, user, 'EnvironmentMaker');
    await first.stop();
    harnesses.length = 0;
    assert.equal(grantWrites(), 1);

    now += 61_000;
    const second = await boot();
    await second.settle();
    const request = await second.bot.store.requests.get('REQ-1001');
    assert.equal(request?.status, 'completed');
    assert.equal(request?.execution.result?.alreadyHeld, true);
    assert.equal(grantWrites(), 1, 'the resumed run saw the role and did not write again');
    // The approval card is edited to completed, and the requester is told, after the restart.
    assert.ok(
      second.connector.calls.some((c) => c.method === 'PUT' && /Completed/.test(cardText(firstCard(c.body)))),
      second.connector.describe(),
    );
  });

  // The reply that never went out (a real crash between storing and replying) is in test/crash/bot-crashes.test.ts.
  it('a request filed before a clean restart is still pending after it, with one created record', async () => {
    const first = await boot();
    await first.personal(users.alex, 'request maker role in Marketing Sandbox');
    await first.stop();
    harnesses.length = 0;
    const second = await boot();
    const stored = await second.bot.store.requests.get('REQ-1001');
    assert.equal(stored?.status, 'pending');
    const created = await second.bot.store.audit.list({ requestId: 'REQ-1001', action: 'request.created' });
    assert.equal(created.length, 1);
  });
});
