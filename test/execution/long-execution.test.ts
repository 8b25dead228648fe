// An environment creation that takes several job-lease periods (the tenant asks to wait four minutes between
// polls) keeps its job's lease alive on every step and every poll: a second runner working the same store
// never takes the job over, and the environment is created once.
import assert from 'node:assert/strict';
import { JobRunner } from '../../src/execution/job-runner.js';
import { EXECUTE_JOB } from '../../src/requests/governance-service.js';
import { createRequestPreparer } from '../../src/requests/preparers/index.js';
import { type RunningSimulator, startSimulator } from '../../src/tenant/simulator/server.js';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { users } from '../support/fixture-ids.js';
import { approvalPost, approveFully, fileWithReceipt, readyDetails, useChannels } from './conversation-support.js';

const LEASE_MS = 5 * 60_000;

describe('execution: a long environment creation keeps its job lease', () => {
  let sim: RunningSimulator;
  let h: Harness;
  let now: number;
  const clock = () => new Date(now);
  afterEach(async () => {
    await h?.stop();
    await sim?.close();
  });

  it('is never claimed by a second runner while it polls across several lease periods', async () => {
    now = Date.parse('2026-12-01T09:00:00Z');
    sim = await startSimulator({ port: 0, retryAfterSeconds: 240, lroPollsToComplete: 6 });
    const rivalRuns: number[] = [];
    let rival: JobRunner | undefined;
    let waited = 0;
    h = await startHarness({
      simulatorUrl: sim.url,
      clock,
      kickWorkers: false,
      // Every wait moves the injected clock; meanwhile another runner looks for due or abandoned jobs.
      sleep: async (ms) => {
        now += ms;
        waited += ms;
        await rival?.tick();
      },
    });
    rival = new JobRunner({
      store: h.bot.store,
      clock,
      leaseMs: LEASE_MS,
      handlers: { [EXECUTE_JOB]: async (job) => void rivalRuns.push(job.id) },
    });
    await useChannels(h);
    const details = readyDetails(
      await createRequestPreparer(h.bot.tenant).newEnvironment({
        requesterId: users.alex.id,
        displayName: 'Contoso Long Haul',
        sku: 'Sandbox',
        location: 'unitedstates',
        dataverse: {},
        description: 'Slow creation',
      }),
    );
    const { request } = await fileWithReceipt(h, users.alex, details);
    await approveFully(h, await approvalPost(h), { requestId: request.id, revision: 0 });
    await h.settle();

    const done = await h.bot.store.requests.get(request.id);
    assert.equal(done?.status, 'completed', JSON.stringify(done?.execution.error));
    assert.ok(waited > 3 * LEASE_MS, `the creation spanned several lease periods (${waited / 60_000} min)`);
    assert.deepEqual(rivalRuns, [], 'the second runner never took the job');
    const [job] = await h.bot.store.jobs.list({ kind: EXECUTE_JOB });
    assert.equal(job?.attempts, 1, 'claimed once');
    assert.equal(job?.status, 'done');
    const creates = sim.state.requests.filter(
      (r) => r.method === 'POST' && /\/Microsoft\.BusinessAppPlatform\/environments$/.test(r.path),
    );
    assert.equal(creates.length, 1, 'created once');
  });
});
