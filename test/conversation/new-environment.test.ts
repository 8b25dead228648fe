// Environment creation end to end: the prepared request is filed, approved on the card, created through the
// simulated tenant's long-running operation with each stage shown live on the approval card and the receipt,
// then the requester is made Environment Admin. Also: a restart mid-way resumes polling without a second
// POST, a busy tenant (409 OperationNotStartable) is waited out, and a taken domain never reaches an approver.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequestPreparer } from '../../src/requests/preparers/index.js';
import { type RunningSimulator, startSimulator } from '../../src/tenant/simulator/server.js';
import {
  approvalPost,
  approveFully,
  fileWithReceipt,
  readyDetails,
  updatesOf,
  useChannels,
} from '../execution/conversation-support.js';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { users } from '../support/fixture-ids.js';

const creates = (sim: RunningSimulator) =>
  sim.state.requests.filter(
    (r) => r.method === 'POST' && /\/Microsoft\.BusinessAppPlatform\/environments$/.test(r.path),
  );
const polls = (sim: RunningSimulator) =>
  sim.state.requests.filter((r) => r.method === 'GET' && r.path.includes('/lifecycleOperations/'));

describe('conversation: new environment', () => {
  let sim: RunningSimulator;
  let dataDir: string;
  /** A clock that moves (the outbox paces sends by it) and can be pushed forward, as across a restart. */
  let offset: number;
  const clock = () => new Date(Date.now() + offset);
  const harnesses: Harness[] = [];
  beforeEach(async () => {
    sim = await startSimulator({ port: 0, retryAfterSeconds: 0, lroPollsToComplete: 4 });
    dataDir = mkdtempSync(join(tmpdir(), 'govbot-newenv-'));
    offset = 0;
  });
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.stop().catch(() => undefined);
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const boot = async (sleep?: (ms: number) => Promise<void>) => {
    const h = await startHarness({
      dataDir,
      keepData: true,
      simulatorUrl: sim.url,
      clock,
      kickWorkers: false,
      ...(sleep ? { sleep } : {}),
    });
    harnesses.push(h);
    return h;
  };
  const prepareResearch = (h: Harness) =>
    createRequestPreparer(h.bot.tenant).newEnvironment({
      requesterId: users.alex.id,
      displayName: 'Contoso Research',
      sku: 'Sandbox',
      location: 'unitedstates',
      dataverse: {},
      description: 'Prototype apps for the research team',
    });

  it('creates the environment with live stage progress and makes the requester Environment Admin', async () => {
    // Time passing between polls: the outbox sends what was queued meanwhile, as the running bot's worker does (a
    // backlog drained all at once is coalesced to each card's newest edit, which would hide the stages).
    const h = await boot(async () => {
      await h.bot.outbox.drain();
    });
    await useChannels(h);
    const details = readyDetails(await prepareResearch(h));
    const { receipt } = await fileWithReceipt(h, users.alex, details);
    const post = await approvalPost(h);
    const { cardText, firstCard } = await import('../support/connector-double.js');
    const text = cardText(firstCard(post.body));
    assert.match(text, /Contoso Research/);
    assert.match(text, /Yes: contosoresearch, USD, English \(United States\)/);
    assert.match(text, /at least 1 GB of the tenant’s database capacity/);
    assert.match(text, /Environment Admin:\*\* Alex Wilber/);

    await approveFully(h, post, { requestId: 'REQ-1001', revision: 0 });
    await h.settle();
    const done = await h.bot.store.requests.get('REQ-1001');
    assert.equal(done?.status, 'completed', JSON.stringify(done?.execution.error));
    const id = String(done?.execution.result?.environmentId);
    assert.equal(done?.execution.result?.link, `https://make.powerapps.com/environments/${id}/home`);

    // Each stage was shown running, then done, on the channel card and on the requester's receipt.
    for (const updates of [updatesOf(h, post.id), updatesOf(h, receipt.id)]) {
      for (const stage of ['Validate', 'Prepare', 'Run', 'Finalize']) {
        assert.ok(
          updates.some((t) => t.includes(`● Creation stage: ${stage}`)),
          `${stage} done`,
        );
      }
      assert.ok(
        updates.some((t) => t.includes('◐ Creation stage: Prepare') && !t.includes('● Creation stage: Run')),
        'a live, mid-way view',
      );
      assert.match(updates.at(-1) ?? '', /Open: https:\/\/make\.powerapps\.com\/environments\//);
    }

    const env = (await h.bot.tenant.listEnvironments()).find((e) => e.displayName === 'Contoso Research');
    assert.ok(env);
    assert.equal(env.id, id);
    assert.equal(env.hasDataverse, true);
    assert.equal(await h.bot.tenant.hasEnvironmentRole(env, users.alex.id, 'EnvironmentAdmin'), true);
    assert.equal(creates(sim).length, 1);
    assert.ok(polls(sim).length >= 4);

    const trail = await h.bot.store.audit.list({ requestId: 'REQ-1001' });
    assert.ok(trail.some((r) => r.action === 'execution.completed'));
    if (process.env['PRINT_AUDIT']) console.log(JSON.stringify(trail, null, 2));
  });

  it('resumes polling the stored Location after a restart and never POSTs twice', async () => {
    const first = await boot();
    await useChannels(first);
    await first.bot.service.file({ requesterId: users.alex.id, details: readyDetails(await prepareResearch(first)) });
    const post = await approvalPost(first);
    // The operation is accepted, then the service stops answering its polls and the process is stopped.
    sim.state.failNext({ method: 'GET', pathIncludes: '/lifecycleOperations/', status: 503, times: 5 });
    await approveFully(first, post, { requestId: 'REQ-1001', revision: 0 });
    await first.settle();
    const midway = await first.bot.store.requests.get('REQ-1001');
    assert.equal(midway?.status, 'executing');
    assert.match(String(midway?.execution.checkpoint.operationUrl), /\/lifecycleOperations\//);
    assert.equal(creates(sim).length, 1);
    await first.stop();
    harnesses.splice(0);

    offset += 10 * 60_000; // past the job's retry time
    const second = await boot();
    await second.settle();
    const done = await second.bot.store.requests.get('REQ-1001');
    assert.equal(done?.status, 'completed', JSON.stringify(done?.execution.error));
    assert.equal(creates(sim).length, 1, 'one POST across both processes');
    assert.equal(
      (await second.bot.tenant.listEnvironments()).filter((e) => e.displayName === 'Contoso Research').length,
      1,
    );
    const actions = (await second.bot.store.audit.list({ requestId: 'REQ-1001' })).map((r) => r.action);
    assert.ok(actions.includes('execution.retrying'));
    assert.ok(actions.includes('execution.resumed'));
  });

  it('waits while another lifecycle operation keeps the tenant busy (409 OperationNotStartable)', async () => {
    let other: string | undefined;
    // Time passing: each wait lets the other operation move on by one poll.
    const h = await boot(async () => {
      if (other) await h.bot.tenant.getLifecycleOperation(other);
    });
    await useChannels(h);
    await h.bot.service.file({ requesterId: users.alex.id, details: readyDetails(await prepareResearch(h)) });
    const post = await approvalPost(h);
    const started = await h.bot.tenant.startEnvironmentCreation(
      { type: 'new-environment', displayName: 'Someone else', sku: 'Sandbox', location: 'europe' },
      users.megan.id,
    );
    assert.equal(started.kind, 'accepted');
    other = started.kind === 'accepted' ? started.operationUrl : undefined;
    await approveFully(h, post, { requestId: 'REQ-1001', revision: 0 });
    await h.settle();
    const done = await h.bot.store.requests.get('REQ-1001');
    assert.equal(done?.status, 'completed', JSON.stringify(done?.execution.error));
    const ours = creates(sim)
      .slice(1)
      .map((r) => r.status);
    assert.equal(ours[0], 409, 'refused while the other operation ran');
    assert.equal(ours.at(-1), 202);
    assert.equal(ours.filter((s) => s === 202).length, 1);
  });

  it('catches a Dataverse domain already in use before any approver is asked', async () => {
    const h = await boot();
    await useChannels(h);
    const prep = await createRequestPreparer(h.bot.tenant).newEnvironment({
      requesterId: users.alex.id,
      displayName: 'Contoso Test 2',
      sku: 'Sandbox',
      location: 'unitedstates',
      dataverse: { domainName: 'contosotest' },
    });
    assert.equal(prep.kind, 'invalid');
    assert.equal(prep.kind === 'invalid' ? prep.field : '', 'domainName');
    assert.match(prep.kind === 'invalid' ? prep.message : '', /contosotest is already in use/);
    await h.settle();
    assert.deepEqual(await h.bot.store.requests.list({}), []);
    assert.equal(creates(sim).length, 0);
  });
});
