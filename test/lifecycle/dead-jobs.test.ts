// A job whose worker keeps dying (its lease expires on every attempt) ends dead inside storage, where no
// handler sees it. Over the Bot Framework protocol: a dead execute job fails its request with a clear reason on
// the channel card and the requester's receipt, and a dead revert job is raised to admins in the approvals
// channel. Each exactly once.
import assert from 'node:assert/strict';
import { LIFECYCLE_JOBS } from '../../src/lifecycle/jobs.js';
import { EXECUTE_JOB } from '../../src/requests/governance-service.js';
import {
  approvalPost,
  approveFully,
  fileWithReceipt,
  meetBot,
  updatesOf,
  useChannels,
} from '../execution/conversation-support.js';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { envs, team, users } from '../support/fixture-ids.js';

const HOUR = 3_600_000;
const LEASE_MS = 5 * 60_000;
const T0 = Date.parse('2026-12-01T09:00:00Z');

describe('lifecycle: jobs that die with their worker reach their owner', () => {
  let h: Harness;
  let now: number;
  const clock = () => new Date(now);
  beforeEach(async () => {
    now = T0;
    h = await startHarness({ clock, kickWorkers: false, env: { REVERT_MAX_ATTEMPTS: '3', HTTP_MAX_RETRIES: '0' } });
    await useChannels(h);
  });
  afterEach(async () => {
    await h.stop();
  });

  /** A worker takes the job and dies without a word, `times` times: each claim is one attempt, each lease expires. */
  async function crash(kind: string, times: number) {
    for (let i = 0; i < times; i++) {
      const claimed = await h.bot.store.jobs.claimDue(clock().toISOString(), new Date(now + LEASE_MS).toISOString(), 1);
      assert.deepEqual(
        claimed.map((j) => j.kind),
        [kind],
        `attempt ${i + 1} claims the ${kind} job`,
      );
      now += LEASE_MS + 1000;
    }
  }

  async function makerRole(grantEndsAt?: string) {
    const environment = await h.bot.tenant.getEnvironment(envs.marketingSandbox);
    assert.ok(environment);
    const details = { type: 'maker-role' as const, environment };
    let id: string;
    let receiptId = '';
    if (grantEndsAt) {
      // A time-bound grant, as the chat front door files "for 10 days".
      await meetBot(h);
      const filed = await h.bot.service.file({ requesterId: users.alex.id, details, grantEndsAt });
      assert.equal(filed.kind, 'filed');
      id = filed.kind === 'filed' ? filed.request.id : '';
    } else {
      const filed = await fileWithReceipt(h, users.alex, details);
      id = filed.request.id;
      receiptId = filed.receipt.id;
    }
    const post = await approvalPost(h);
    await approveFully(h, post, { requestId: id, revision: 0 });
    return { id, post, receiptId, environment };
  }

  it('fails the request of an execute job that died, telling admins and the requester once', async () => {
    const { id, post, receiptId } = await makerRole();
    await crash(EXECUTE_JOB, 5);
    await h.settle();

    const failed = await h.bot.store.requests.get(id);
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.execution.error?.code, 'ExecutionInterrupted');
    assert.match(
      failed?.execution.error?.message ?? '',
      /interrupted after 5 attempts because the bot stopped while it was running, and was not tried again\. No step had finished\./,
    );
    assert.match(updatesOf(h, post.id).at(-1) ?? '', /interrupted after 5 attempts/);
    assert.match(updatesOf(h, receiptId).at(-1) ?? '', /interrupted after 5 attempts/);
    const trail = await h.bot.store.audit.list({ requestId: id });
    assert.ok(trail.some((r) => r.action === 'execution.failed' && r.details?.code === 'ExecutionInterrupted'));
    assert.equal(trail.filter((r) => r.action === 'job.dead').length, 1);

    const calls = h.connector.calls.length;
    now += HOUR;
    await h.settle();
    assert.equal(h.connector.calls.length, calls, 'nothing is repeated');
    assert.equal((await h.bot.store.audit.list({ requestId: id })).length, trail.length);
  });

  it('raises a revert job that died to admins in the approvals channel, once; the grant stays visible', async () => {
    const end = new Date(T0 + 10 * 24 * HOUR).toISOString();
    const { id, environment } = await makerRole(end);
    await h.settle();
    assert.equal((await h.bot.store.requests.get(id))?.status, 'completed');
    now = Date.parse(end) - 60_000;
    await h.settle(); // the reminders before the end have run

    now = Date.parse(end);
    await crash(LIFECYCLE_JOBS.revert, 3);
    await h.settle();

    const raised = h.connector
      .messages(team.approvals)
      .filter((c) => c.method === 'POST' && /Action needed: the time-bound grant/.test(cardText(firstCard(c.body))));
    assert.equal(raised.length, 1, h.connector.describe());
    assert.match(
      cardText(firstCard(raised[0]?.body ?? {})),
      new RegExp(`${id} .*the revert did not finish after 3 attempts \\(the bot stopped while reverting it\\)`),
    );
    const trail = await h.bot.store.audit.list({ requestId: id });
    assert.deepEqual(
      trail.filter((r) => r.action.startsWith('grant.revert') || r.action === 'job.dead').map((r) => r.action),
      ['grant.revert.gave-up', 'grant.revert.raised', 'job.dead'],
    );
    assert.equal((await h.bot.store.requests.get(id))?.status, 'completed', 'still shown as active');
    assert.equal(await h.bot.tenant.hasEnvironmentRole(environment, users.alex.id, 'EnvironmentMaker'), true);

    now += 10 * HOUR;
    await h.settle();
    assert.equal(
      h.connector
        .messages(team.approvals)
        .filter((c) => c.method === 'POST' && /Action needed/.test(cardText(firstCard(c.body)))).length,
      1,
      'raised once',
    );
  });
});
