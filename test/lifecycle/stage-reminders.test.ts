// Reminders and escalation restart when a stage passes: a two-stage request approved by an admin after 30 hours
// gives the senior approvers their own full intervals from that moment, the first stage's timers are cancelled,
// and nothing is sent twice (one live job per reminder round and stage). Time is injected.
import assert from 'node:assert/strict';
import { LIFECYCLE_JOBS } from '../../src/lifecycle/jobs.js';
import { LifecycleScheduler } from '../../src/lifecycle/scheduler.js';
import { useChannels } from '../execution/conversation-support.js';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { envs, team, users } from '../support/fixture-ids.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-01T09:00:00Z');

describe('lifecycle: reminders restart when a stage passes', () => {
  let h: Harness;
  let now: number;
  const clock = () => new Date(now);
  beforeEach(async () => {
    now = T0;
    h = await startHarness({
      clock,
      kickWorkers: false,
      env: { REMINDER_AFTER_HOURS: '24', ESCALATE_AFTER_HOURS: '24', EXPIRE_AFTER_DAYS: '7' },
    });
    await useChannels(h);
  });
  afterEach(async () => {
    await h.stop();
  });

  async function at(time: number) {
    now = time;
    await h.settle();
  }
  const posted = (pattern: RegExp) =>
    h.connector
      .messages(team.approvals)
      .filter((c) => c.method === 'POST' && pattern.test(String(c.body.text ?? cardText(firstCard(c.body)))))
      .map((c) => String(c.body.text ?? ''));
  const liveJobs = async (kind: string) =>
    (await h.bot.store.jobs.list({ kind })).filter((j) => j.status === 'pending' || j.status === 'running');

  it('starts the second stage’s reminders and escalation from the moment the first stage passed', async () => {
    const environment = await h.bot.tenant.getEnvironment(envs.itTools); // Production: two stages
    assert.ok(environment);
    const filed = await h.bot.service.file({
      requesterId: users.alex.id,
      details: { type: 'maker-role', environment },
    });
    assert.equal(filed.kind, 'filed');
    const id = filed.kind === 'filed' ? filed.request.id : '';
    await h.settle();

    await at(T0 + 24 * HOUR);
    assert.equal(posted(/^Reminder: /).length, 1, 'stage 1 reminded after 24 hours');

    // An admin approves stage 1 after 30 hours.
    now = T0 + 30 * HOUR;
    const card = h.connector
      .messages(team.approvals)
      .find((c) => c.method === 'POST' && cardText(firstCard(c.body)).includes(id));
    assert.ok(card);
    const res = await h.invoke(
      users.megan,
      'approve',
      { requestId: id, revision: 0 },
      { conversationId: team.approvals, channelId: team.approvals, replyToId: card.id },
    );
    assert.match(cardText(res.body.value), /now needs the next stage/);
    assert.equal((await liveJobs(LIFECYCLE_JOBS.remind)).length, 1, 'one live reminder: the new stage’s first');
    assert.equal((await liveJobs(LIFECYCLE_JOBS.escalate)).length, 1);
    // Scheduling the stage again (a retried transaction, say) adds nothing.
    const stored = await h.bot.store.requests.get(id);
    assert.ok(stored);
    const scheduler = new LifecycleScheduler({
      remindAfterMs: 24 * HOUR,
      escalateAfterMs: 24 * HOUR,
      expireAfterMs: 7 * 24 * HOUR,
      grantReminderHours: [48, 1],
      revertMaxAttempts: 5,
    });
    await h.bot.store.transaction((session) => scheduler.onStagePassed(session, stored));
    assert.equal((await liveJobs(LIFECYCLE_JOBS.remind)).length, 1);
    await h.settle();

    // 48 hours after filing: the first stage's second reminder and its escalation would have been due. Not any more.
    await at(T0 + 48 * HOUR);
    assert.equal(posted(/^Reminder: /).length, 1);
    assert.equal(posted(/^Escalated: /).length, 0);
    await at(T0 + 54 * HOUR - 1000);
    assert.equal(posted(/^Reminder: /).length, 1, 'nothing before the second stage has waited 24 hours');

    await at(T0 + 54 * HOUR);
    const reminders = posted(/^Reminder: /);
    assert.equal(reminders.length, 2);
    assert.match(reminders[1] ?? '', new RegExp(`${id} .* has waited 24 hours for Power Platform Senior Approvers`));

    await at(T0 + 78 * HOUR);
    assert.equal(posted(/^Reminder: /).length, 3);
    assert.equal(posted(/^Escalated: /).length, 1, 'the second stage escalates 48 hours after it started');
    await at(T0 + 101 * HOUR);
    assert.equal(posted(/^Reminder: /).length, 3, 'one per interval');

    const audit = await h.bot.store.audit.list({ requestId: id });
    assert.deepEqual(
      audit.filter((r) => r.action === 'request.reminder-sent').map((r) => [r.details?.stage, r.details?.round]),
      [
        [0, 1],
        [1, 1],
        [1, 2],
      ],
    );
    assert.deepEqual(
      audit.filter((r) => r.action === 'request.escalated').map((r) => r.details?.stage),
      [1],
    );
  });
});
