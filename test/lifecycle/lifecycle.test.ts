// Reminders, escalation, expiry and time-bound grants, driven by durable jobs and an injected clock: exact
// counts per interval, nothing lost or repeated across a restart, grants reverted through the admin API
// (both role paths), a failing revert retried and then raised to admins, and extensions.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '../../src/tenant/simulator/server.js';
import { type Harness, type HarnessOptions, setUpChannels, startHarness } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { envs, groups, team, users } from '../support/fixture-ids.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-01T09:00:00Z');

describe('lifecycle: reminders, escalation, expiry and time-bound grants', () => {
  let now: number;
  let dataDir: string;
  let simulator: RunningSimulator;
  const clock = () => new Date(now);
  const running: Harness[] = [];
  const env = {
    REMINDER_AFTER_HOURS: '24',
    ESCALATE_AFTER_HOURS: '24',
    EXPIRE_AFTER_DAYS: '4',
    REVERT_MAX_ATTEMPTS: '3',
    HTTP_MAX_RETRIES: '0',
  };

  beforeEach(async () => {
    now = T0;
    dataDir = mkdtempSync(join(tmpdir(), 'govbot-lifecycle-'));
    simulator = await startSimulator({ port: 0, retryAfterSeconds: 0 });
  });
  afterEach(async () => {
    for (const h of running.splice(0)) await h.stop().catch(() => undefined);
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function boot(extra: HarnessOptions['env'] = {}) {
    const h = await startHarness({
      dataDir,
      keepData: true,
      simulatorUrl: simulator.url,
      clock,
      kickWorkers: false,
      env: { ...env, ...extra },
    });
    running.push(h);
    return h;
  }
  async function at(h: Harness, time: number) {
    now = time;
    await h.settle();
  }
  async function file(h: Harness, environmentId: string, grantEndsAt?: string) {
    await h.personal(users.alex, 'help');
    const environment = await h.bot.tenant.getEnvironment(environmentId);
    assert.ok(environment);
    const result = await h.bot.service.file({
      requesterId: users.alex.id,
      details: { type: 'maker-role', environment },
      grantEndsAt,
    });
    assert.equal(result.kind, 'filed');
    await h.settle();
    return result.kind === 'filed' ? result.request.id : '';
  }
  const channelTexts = (h: Harness, pattern: RegExp) =>
    h.connector
      .messages(team.approvals)
      .filter((c) => c.method === 'POST' && pattern.test(String(c.body.text ?? cardText(firstCard(c.body)))));
  const personal = (h: Harness, pattern: RegExp) =>
    h.connector
      .messages(h.personalConversationId(users.alex))
      .filter((c) => pattern.test(String(c.body.text ?? cardText(firstCard(c.body)))));
  async function approve(h: Harness, id: string, user = users.megan) {
    const post = h.connector
      .messages(team.approvals)
      .find((c) => c.method === 'POST' && cardText(firstCard(c.body)).includes(id));
    assert.ok(post, h.connector.describe());
    const request = await h.bot.store.requests.get(id);
    const res = await h.invoke(
      user,
      'approve',
      { requestId: id, revision: request?.decisions.length ?? 0 },
      { conversationId: team.approvals, channelId: team.approvals, replyToId: post.id },
    );
    assert.equal(res.status, 200);
    await h.settle();
  }

  it('reminds once per interval, escalates, expires, and repeats nothing across a restart', async () => {
    let h = await boot();
    await setUpChannels(h);
    const id = await file(h, envs.marketingSandbox);
    const reminders = () => channelTexts(h, /^Reminder: /).length;

    await at(h, T0 + 23 * HOUR);
    assert.equal(reminders(), 0);
    await at(h, T0 + 24 * HOUR);
    assert.equal(reminders(), 1);
    assert.match(
      String(channelTexts(h, /^Reminder: /)[0]?.body.text),
      new RegExp(`${id} .* has waited 24 hours for Power Platform Admins`),
    );
    await at(h, T0 + 47 * HOUR);
    assert.equal(reminders(), 1, 'nothing more within the interval');

    await at(h, T0 + 48 * HOUR);
    assert.equal(reminders(), 2);
    const escalated = await h.bot.store.requests.get(id);
    assert.equal(escalated?.stages[0]?.escalatedTo?.groupId, groups.senior);
    assert.equal(channelTexts(h, /^Escalated: /).length, 1);

    // Restart at the same moment: the new process finds the jobs in storage and repeats none of them.
    await h.stop();
    running.length = 0;
    h = await boot();
    // The new process talks to a new connector double: refresh the stored conversation references.
    await setUpChannels(h);
    await h.personal(users.alex, 'help');
    await at(h, T0 + 48 * HOUR);
    assert.equal(reminders(), 0, 'the new process sent nothing again');
    await at(h, T0 + 72 * HOUR);
    assert.equal(reminders(), 1);
    const audit = await h.bot.store.audit.list({ requestId: id });
    assert.deepEqual(
      audit.filter((r) => r.action === 'request.reminder-sent').map((r) => r.details?.round),
      [1, 2, 3],
    );
    assert.equal(audit.filter((r) => r.action === 'request.escalated').length, 1);

    await at(h, T0 + 96 * HOUR);
    const expired = await h.bot.store.requests.get(id);
    assert.equal(expired?.status, 'expired');
    assert.ok((await h.bot.store.audit.list({ requestId: id })).some((r) => r.action === 'request.expired'));
    assert.equal(personal(h, /expired/).length, 1, `the requester is told: ${h.connector.describe()}`);
    await at(h, T0 + 200 * HOUR);
    assert.equal(reminders(), 1, 'no reminder after expiry');
  });

  it('sends no reminder for a cancelled request', async () => {
    const h = await boot();
    await setUpChannels(h);
    const id = await file(h, envs.marketingSandbox);
    assert.equal((await h.bot.service.cancel(id, users.alex.id)).kind, 'decided');
    await at(h, T0 + 100 * HOUR);
    assert.equal(channelTexts(h, /^Reminder: /).length, 0);
    assert.equal((await h.bot.store.requests.get(id))?.status, 'cancelled');
  });

  for (const path of [
    { name: 'a BAP role assignment (no Dataverse)', env: envs.marketingSandbox },
    { name: 'a Dataverse security role', env: envs.financeSandbox },
  ]) {
    it(`reminds before the end of a time-bound grant and reverts ${path.name} at the end`, async () => {
      const h = await boot();
      await setUpChannels(h);
      const end = new Date(T0 + 10 * 24 * HOUR).toISOString();
      const id = await file(h, path.env, end);
      await approve(h, id);
      assert.equal((await h.bot.store.requests.get(id))?.status, 'completed');
      const environment = await h.bot.tenant.getEnvironment(path.env);
      assert.ok(environment);
      assert.equal(await h.bot.tenant.hasEnvironmentRole(environment, users.alex.id, 'EnvironmentMaker'), true);

      const endMs = Date.parse(end);
      await at(h, endMs - 49 * HOUR);
      assert.equal(personal(h, /Your access ends in/).length, 0);
      await at(h, endMs - 48 * HOUR);
      assert.equal(personal(h, /Your access ends in 2 days/).length, 1);
      await at(h, endMs - HOUR);
      assert.equal(personal(h, /Your access ends in 1 hour/).length, 1);
      const reminder = personal(h, /Your access ends in 1 hour/)[0];
      assert.ok(
        ((firstCard(reminder?.body ?? {})?.actions as { verb?: string }[]) ?? []).some((a) => a.verb === 'extend'),
      );

      await at(h, endMs);
      const ended = await h.bot.store.requests.get(id);
      assert.equal(ended?.status, 'revoked');
      assert.equal(await h.bot.tenant.hasEnvironmentRole(environment, users.alex.id, 'EnvironmentMaker'), false);
      const reverted = (await h.bot.store.audit.list({ requestId: id })).find((r) => r.action === 'grant.reverted');
      assert.ok(reverted?.apiCalls?.length, 'the revert records its admin API calls');
      assert.equal(personal(h, /ended and reverted/).length, 1, 'the requester is told');
    });
  }

  it('retries a failing revert, then raises it to admins in the approvals channel; never drops it', async () => {
    const h = await boot();
    await setUpChannels(h);
    const end = new Date(T0 + 5 * 24 * HOUR).toISOString();
    const id = await file(h, envs.marketingSandbox, end);
    await approve(h, id);
    simulator.state.failNext({ method: 'POST', pathIncludes: 'modifyRoleAssignments', status: 500, times: 10 });

    await at(h, Date.parse(end));
    await at(h, Date.parse(end) + 1 * 60_000); // backoff: 1 min, then 2 min
    await at(h, Date.parse(end) + 3 * 60_000);
    const audit = await h.bot.store.audit.list({ requestId: id });
    assert.deepEqual(
      audit.filter((r) => r.action.startsWith('grant.revert')).map((r) => [r.action, r.details?.attempt]),
      [
        ['grant.revert.failed', 1],
        ['grant.revert.failed', 2],
        ['grant.revert.gave-up', 3],
        ['grant.revert.raised', undefined],
      ],
    );
    const raised = channelTexts(h, /Action needed: the time-bound grant/);
    assert.equal(raised.length, 1);
    assert.match(cardText(firstCard(raised[0]?.body ?? {})), new RegExp(`${id}.*could not revert it after 3 attempts`));
    assert.equal(
      (await h.bot.store.requests.get(id))?.status,
      'completed',
      'still shown as active, not silently revoked',
    );
    await at(h, Date.parse(end) + 10 * HOUR);
    assert.equal(channelTexts(h, /Action needed/).length, 1, 'raised once');
  });

  it('extends a grant as a new approval; the original end passes without a revert, the new end reverts', async () => {
    const h = await boot();
    await setUpChannels(h);
    const end = new Date(T0 + 3 * 24 * HOUR).toISOString();
    const id = await file(h, envs.marketingSandbox, end);
    await approve(h, id);
    await at(h, Date.parse(end) - 48 * HOUR);

    const res = await h.invoke(
      users.alex,
      'extend',
      { requestId: id, duration: 'P14D' },
      { conversationId: h.personalConversationId(users.alex) },
    );
    assert.match(cardText(res.body.value), /Extension asked as REQ-1002; it needs approval/);
    const extension = await h.bot.store.requests.get('REQ-1002');
    assert.equal(extension?.extensionOf, id);
    assert.equal(extension?.grantEndsAt, new Date(Date.parse(end) + 14 * 24 * HOUR).toISOString());
    await h.settle();
    await approve(h, 'REQ-1002', users.nestor);
    assert.equal((await h.bot.store.requests.get('REQ-1002'))?.status, 'completed');

    const environment = await h.bot.tenant.getEnvironment(envs.marketingSandbox);
    assert.ok(environment);
    await at(h, Date.parse(end) + HOUR);
    assert.equal(
      await h.bot.tenant.hasEnvironmentRole(environment, users.alex.id, 'EnvironmentMaker'),
      true,
      'kept past the original end',
    );
    assert.equal((await h.bot.store.requests.get(id))?.status, 'completed');

    await at(h, Date.parse(extension?.grantEndsAt ?? ''));
    assert.equal(await h.bot.tenant.hasEnvironmentRole(environment, users.alex.id, 'EnvironmentMaker'), false);
    assert.equal((await h.bot.store.requests.get('REQ-1002'))?.status, 'revoked');
  });

  it('auto-approves an extension when a rule says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    const path = join(dir, 'p.yaml');
    (await import('node:fs')).writeFileSync(
      path,
      `version: 1
groups: { admins: { id: ${groups.admins}, name: Power Platform Admins } }
rules:
  - id: sandbox-extension
    description: Extensions in Sandboxes are approved by rule, for at most 30 days.
    when: { extension: true, environment: { sku: Sandbox } }
    route: { outcome: auto-approve, maxDuration: P30D }
fallback: { description: One admin., stages: [{ name: Admin approval, group: admins }] }
`,
    );
    const h = await boot({ POLICY_FILE: path });
    await setUpChannels(h);
    const end = new Date(T0 + 3 * 24 * HOUR).toISOString();
    const id = await file(h, envs.marketingSandbox, end);
    await approve(h, id);
    const res = await h.invoke(
      users.alex,
      'extend',
      { requestId: id, duration: 'P7D' },
      { conversationId: h.personalConversationId(users.alex) },
    );
    assert.match(cardText(res.body.value), /approved by rule "sandbox-extension"/);
    await h.settle();
    assert.equal((await h.bot.store.requests.get('REQ-1002'))?.status, 'completed');
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets an approver ask the requester a question from the card; the answer reaches the card', async () => {
    const h = await boot();
    await setUpChannels(h);
    const id = await file(h, envs.marketingSandbox);
    const post = h.connector.messages(team.approvals).find((c) => c.method === 'POST');
    assert.ok(post);
    const asked = await h.invoke(
      users.megan,
      'needInfo',
      { requestId: id, comment: 'Which app will you build?' },
      { conversationId: team.approvals, channelId: team.approvals, replyToId: post.id },
    );
    assert.match(cardText(asked.body.value), /Your question was sent to Alex Wilber/);
    const refused = await h.invoke(
      users.lidia,
      'needInfo',
      { requestId: id, comment: 'Why?' },
      { conversationId: team.approvals, channelId: team.approvals, replyToId: post.id },
    );
    // Lidia approves nothing: she gets the same answer as for a request that does not exist.
    assert.match(
      cardText(refused.body.value),
      /I can't find REQ-\d+ among the requests you can see\. Nothing was changed\./,
    );
    await h.settle();
    const question = personal(h, /Megan Bowen asks: “Which app will you build\?”/);
    assert.equal(question.length, 1);
    assert.ok(
      ((firstCard(question[0]?.body ?? {})?.actions as { verb?: string }[]) ?? []).some((a) => a.verb === 'answerInfo'),
    );

    const answered = await h.invoke(
      users.alex,
      'answerInfo',
      { requestId: id, answer: 'The campaign tracker.' },
      { conversationId: h.personalConversationId(users.alex) },
    );
    assert.equal(answered.status, 200, JSON.stringify(answered));
    assert.match(cardText(answered.body.value), /your answer was added/, JSON.stringify(answered));
    await h.settle();
    const stored = await h.bot.store.requests.get(id);
    assert.equal(stored?.infoExchanges?.[0]?.answer, 'The campaign tracker.');
    const update = h.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === post.id).at(-1);
    assert.match(cardText(firstCard(update?.body ?? {})), /Answer .*“The campaign tracker\.”/);
    const actions = (await h.bot.store.audit.list({ requestId: id })).map((r) => r.action);
    assert.ok(actions.includes('request.info-requested') && actions.includes('request.info-answered'));
  });
});
