// The chat commands beyond filing, over the Bot Framework protocol: approvers read the audit trail and the licence
// report in chat (others are refused, and the refusal is audited); requesters answer an approver's question and
// extend a time-bound grant in plain words; the notifications channel set in chat receives the governance feed.
import assert from 'node:assert/strict';
import { licenceReportCard } from '../../src/teams/replies.js';
import { type Harness, setUpChannels, startHarness, type User } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { envs, team, users } from '../support/fixture-ids.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-04T10:00:00Z'); // a Wednesday

describe('conversation: chat commands (audit, licences, answers, extensions, notifications)', () => {
  let h: Harness;
  let now: number;
  beforeEach(async () => {
    now = T0;
    h = await startHarness({ clock: () => new Date(now) });
    await setUpChannels(h);
  });
  afterEach(async () => {
    await h.stop();
  });

  const conv = (u: User) => h.personalConversationId(u);
  const textOf = (body: Record<string, unknown>) => `${body.text ?? ''} ${cardText(firstCard(body))}`.trim();

  /** The text of the bot's replies to a personal message. */
  const say = async (user: User, text: string, expected = 1) => (await h.say(user, text, expected)).map(textOf);

  async function file(environmentId: string, grantEndsAt?: string): Promise<string> {
    await h.personal(users.alex, 'help'); // the personal chat exists: the bot can write to Alex later
    const environment = await h.bot.tenant.getEnvironment(environmentId);
    assert.ok(environment);
    const result = await h.bot.service.file({
      requesterId: users.alex.id,
      details: { type: 'maker-role', environment },
      justification: 'campaign tracker',
      grantEndsAt,
    });
    assert.equal(result.kind, 'filed');
    await h.settle();
    return result.kind === 'filed' ? result.request.id : '';
  }

  function approvalPost(id: string) {
    const post = h.connector
      .messages(team.approvals)
      .find((c) => c.method === 'POST' && cardText(firstCard(c.body)).includes(id));
    assert.ok(post, h.connector.describe());
    return post;
  }

  async function approve(id: string) {
    const request = await h.bot.store.requests.get(id);
    const res = await h.invoke(
      users.megan,
      'approve',
      { requestId: id, revision: request?.decisions.length ?? 0 },
      { conversationId: team.approvals, channelId: team.approvals, replyToId: approvalPost(id).id },
    );
    assert.equal(res.status, 200);
    await h.settle();
  }

  async function ask(id: string, question: string) {
    const res = await h.invoke(
      users.megan,
      'needInfo',
      { requestId: id, comment: question },
      { conversationId: team.approvals, channelId: team.approvals, replyToId: approvalPost(id).id },
    );
    assert.match(cardText(res.body.value), /Your question was sent to Alex Wilber/);
    await h.settle();
  }

  const refusals = async (action: string) =>
    (await h.bot.store.audit.list()).filter((r) => r.action === action && r.outcome === 'refused');

  it('shows approvers the audit trail by environment, request, person and time, with the export command', async () => {
    const id = await file(envs.financeSandbox);
    const other = await file(envs.itTools);
    now = T0 + 7 * DAY; // next Wednesday: the filings were "last week"

    const [byEnv] = await say(users.megan, 'audit for Finance Sandbox last week');
    assert.match(byEnv ?? '', /Audit: Finance Sandbox, last week/);
    assert.match(byEnv ?? '', new RegExp(`request\\.created ${id}`));
    assert.doesNotMatch(byEnv ?? '', new RegExp(other), 'only the environment asked about');
    assert.match(
      byEnv ?? '',
      new RegExp(
        `npx govbot audit export --format csv --since 2026-11-02T00:00:00.000Z --until 2026-11-09T00:00:00.000Z --environment ${envs.financeSandbox}`,
      ),
    );

    const [thisWeek] = await say(users.megan, 'what happened in Finance Sandbox today');
    assert.match(thisWeek ?? '', /No audit entries match/);

    const [byRequest] = await say(users.megan, `show the audit trail of ${other}`);
    assert.match(byRequest ?? '', new RegExp(`Audit: ${other}`));
    assert.match(byRequest ?? '', new RegExp(`request\\.created ${other}`));
    assert.doesNotMatch(byRequest ?? '', new RegExp(`${id} —`));
    assert.match(byRequest ?? '', new RegExp(`--request ${other}`));

    // Megan set the channels "last week": her entries, and not Alex's filings.
    const [byPerson] = await say(users.megan, 'audit log for Megan last week');
    assert.match(byPerson ?? '', /Audit: Megan Bowen, last week/);
    assert.match(byPerson ?? '', /channel\.set/);
    assert.doesNotMatch(byPerson ?? '', /request\.created/);
    assert.match(byPerson ?? '', new RegExp(`--user ${users.megan.id}`));
  });

  it('refuses the audit trail and the licence report to non-approvers, and audits the refusals', async () => {
    const [audit] = await say(users.alex, 'audit for Finance Sandbox last week');
    assert.match(audit ?? '', /only Power Platform approvers can read the audit trail/);
    assert.equal((await refusals('audit.query.refused')).length, 1);
    assert.equal((await refusals('audit.query.refused'))[0]?.actorId, users.alex.id);

    const [licences] = await say(users.alex, 'who has Power Apps licences');
    assert.match(licences ?? '', /only Power Platform approvers can see the licence report/);
    assert.equal((await refusals('report.licences.refused')).length, 1);
  });

  it('keeps the audit trail, the licence report and the pending list out of chats others read, but answers in the governance channels', async () => {
    await file(envs.marketingSandbox);
    const group = '19:approver-and-makers@thread.v2';
    // The bot's messages in one conversation (a channel's threads included) after the approver's message.
    const asked = async (send: () => Promise<Response>, conversationId: string) => {
      const here = () => h.connector.messages().filter((c) => c.conversationId.split(';')[0] === conversationId);
      const before = here().length;
      assert.equal((await send()).status, 200);
      await h.settle();
      return here()
        .slice(before)
        .map((c) => textOf(c.body));
    };
    for (const [ask, what] of [
      ['audit for Marketing Sandbox last week', 'The audit trail'],
      ['who has Power Apps licences', 'The licence report'],
      ['pending requests', 'The list of pending requests'],
    ] as const) {
      for (const [where, answers] of [
        ['a group chat', await asked(() => h.group(users.megan, group, ask), group)],
        ['the general channel', await asked(() => h.channel(users.megan, team.general, ask), team.general)],
      ] as const) {
        assert.equal(answers.length, 1, `${ask} in ${where}`);
        assert.match(
          answers[0] ?? '',
          new RegExp(`^${what} is for approvers only.*personal chat`),
          `${ask} in ${where}`,
        );
        assert.doesNotMatch(answers[0] ?? '', /Lidia|Alex Wilber|alexw|REQ-1001/, `${ask} in ${where}`);
      }
    }
    const [pending] = await asked(() => h.channel(users.megan, team.approvals, 'pending requests'), team.approvals);
    assert.match(pending ?? '', /REQ-1001/);
    const [audit] = await asked(() => h.channel(users.megan, team.audit, 'audit for REQ-1001'), team.audit);
    assert.match(audit ?? '', /Audit: REQ-1001/);
  });

  it("shows someone else's request to an approver only where approvers read; its requester may show it anywhere", async () => {
    const id = await file(envs.marketingSandbox);
    const group = '19:approver-and-makers@thread.v2';
    const answersIn = async (conversationId: string, send: () => Promise<Response>) => {
      const here = () => h.connector.messages().filter((c) => c.conversationId.split(';')[0] === conversationId);
      const before = here().length;
      assert.equal((await send()).status, 200);
      await h.settle();
      return here().slice(before);
    };
    const [refused, ...more] = await answersIn(group, () => h.group(users.megan, group, `status ${id}`));
    assert.equal(more.length, 0);
    assert.equal(firstCard(refused?.body ?? {}), undefined, 'no request card in the group chat');
    assert.match(
      textOf(refused?.body ?? {}),
      /^Someone else's request \(REQ-\d+\) is for approvers only.*personal chat/,
    );
    assert.doesNotMatch(textOf(refused?.body ?? {}), /campaign tracker|Alex Wilber|Marketing Sandbox/);
    const [own] = await answersIn(group, () => h.group(users.alex, group, `status ${id}`));
    assert.match(cardText(firstCard(own?.body ?? {})), /campaign tracker/, 'the requester shows their own');
    const [inApprovals] = await answersIn(team.approvals, () => h.channel(users.megan, team.approvals, `status ${id}`));
    assert.match(cardText(firstCard(inApprovals?.body ?? {})), new RegExp(id));
  });

  it('summarises who holds which Power Apps / Power Automate plans, and names the CSV command', async () => {
    const directory = await h.bot.tenant.listUsers();
    const powerAppsHolders = directory.filter((u) => u.plans.some((p) => p.service === 'PowerAppsService'));
    const without = directory.filter((u) => !powerAppsHolders.includes(u));
    assert.ok(
      without.some((u) => u.id === users.lidia.id),
      'fixture: Lidia has no Power Apps plan',
    );

    const [card] = await say(users.megan, 'licence report');
    assert.match(card ?? '', new RegExp(`${directory.length} users in the directory`));
    assert.match(card ?? '', new RegExp(`Without a Power Apps plan \\(${without.length}\\):`));
    assert.match(card ?? '', /Lidia Holloway/);
    assert.match(card ?? '', /npx govbot report licenses --format csv/);
    // Each plan's count is the number of people holding it (Graph gives plan ids; the card names known ones).
    const holders = directory.filter((u) =>
      u.plans.some((p) => p.servicePlanId === 'c68f8d98-5534-41c8-bf36-22fa496fa792'),
    ).length;
    assert.ok(holders > 1);
    assert.match(card ?? '', new RegExp(`\\b${holders}:\\*\\* Power Apps \\(with Microsoft 365\\): POWERAPPS_O365_P2`));
    const perUser = directory.filter((u) =>
      u.plans.some((p) => p.servicePlanId === 'ea2cf03b-ac60-46ae-9c1d-eeaeb63cec86'),
    ).length;
    assert.match(card ?? '', new RegExp(`\\b${perUser}:\\*\\* Power Apps Premium: POWERAPPS_PER_USER`));

    const [again] = await say(users.megan, 'License Report');
    assert.match(again ?? '', /Power Apps and Power Automate licences/);
  });

  it('cuts a long list of users without a plan with "and N more"', () => {
    const withoutPowerApps = Array.from({ length: 13 }, (_, i) => ({
      displayName: `User ${i + 1}`,
      upn: `user${i + 1}@contoso.example`,
    }));
    const text = cardText(
      licenceReportCard({ users: 13, plans: [], withoutPowerApps }, 'npx govbot report licenses --format csv'),
    );
    assert.match(text, /User 1, User 2, .*User 10 and 3 more/);
    assert.doesNotMatch(text, /User 11/);
  });

  it('answers thanks with "You\'re welcome" and "no thanks" without it, filing nothing', async () => {
    assert.match((await say(users.alex, 'thanks a lot'))[0] ?? '', /^You're welcome!/);
    const [declined] = await say(users.alex, 'no thanks');
    assert.match(declined ?? '', /^No problem\./);
    assert.doesNotMatch(declined ?? '', /welcome/);
    assert.deepEqual(await h.bot.store.requests.list({}), []);
  });

  it('takes a plain reply as the answer to the one open question, and "answer REQ-…" for any', async () => {
    const id = await file(envs.marketingSandbox);
    // No question open: a plain sentence is not taken as an answer.
    const [offTopic] = await say(users.alex, 'it is for the Q3 budget app');
    assert.match(offTopic ?? '', /only help with Power Platform requests/);

    await ask(id, 'Which app will you build?');
    const question = h.connector.messages(conv(users.alex)).at(-1);
    assert.match(textOf(question?.body ?? {}), /Megan Bowen asks: “Which app will you build\?”/);

    const [thanks] = await say(users.alex, 'it is for the Q3 budget app');
    assert.match(thanks ?? '', new RegExp(`Thanks, I added your answer to ${id}`));
    let stored = await h.bot.store.requests.get(id);
    assert.equal(stored?.infoExchanges?.[0]?.answer, 'it is for the Q3 budget app');
    await h.settle();
    const told = h.connector
      .messages(team.approvals)
      .filter((c) => /Alex Wilber answered the question on .*Q3 budget app/.test(textOf(c.body)));
    assert.equal(told.length, 1, 'approvers are told');

    // Someone else cannot answer for Alex; the attempt is audited and changes nothing.
    await ask(id, 'How many users?');
    const [forged] = await say(users.adele, `answer ${id} nobody`);
    assert.match(forged ?? '', new RegExp(`I can't find ${id} among the requests you can see`));
    assert.equal((await refusals('request.info-answer.refused')).length, 1);

    const [explicit] = await say(users.alex, `answer ${id} about 20 people in Marketing`);
    assert.match(explicit ?? '', /Thanks, I added your answer/);
    stored = await h.bot.store.requests.get(id);
    assert.deepEqual(
      stored?.infoExchanges?.map((x) => x.answer),
      ['it is for the Q3 budget app', 'about 20 people in Marketing'],
    );
    const [late] = await say(users.alex, `answer ${id} one more thing`);
    assert.match(late ?? '', new RegExp(`Nobody is waiting for an answer on ${id}`));
  });

  it('asks which request a plain reply answers when two questions are open', async () => {
    const first = await file(envs.marketingSandbox);
    const second = await file(envs.contosoTest);
    await ask(first, 'Which app?');
    await ask(second, 'Which team?');
    const [which] = await say(users.alex, 'the campaign tracker');
    assert.match(
      which ?? '',
      new RegExp(`Approvers asked about ${first}, ${second}\\. Which one are you answering\\?`),
    );
    assert.equal((await h.bot.store.requests.get(first))?.infoExchanges?.[0]?.answer, undefined, 'nothing guessed');
  });

  it('extends a completed time-bound grant in plain words; refuses others clearly', async () => {
    const end = new Date(T0 + 10 * DAY).toISOString();
    const id = await file(envs.marketingSandbox, end);
    await approve(id);
    assert.equal((await h.bot.store.requests.get(id))?.status, 'completed');

    const [howLong] = await say(users.alex, `extend ${id}`);
    assert.match(howLong ?? '', new RegExp(`For how long should I extend ${id}\\?`));
    const [elsewhere] = await say(users.alex, 'can I keep the maker role in IT Tools another month');
    assert.match(elsewhere ?? '', /You have no time-bound grant in IT Tools to extend/);
    const [notYours] = await say(users.adele, `extend ${id} for 2 weeks`);
    assert.match(notYours ?? '', new RegExp(`I can't find ${id} among the requests you can see`));
    assert.equal((await refusals('grant.extension.refused')).length, 1);

    const [asked] = await say(users.alex, 'can I keep the maker role in Marketing Sandbox another month');
    assert.match(asked ?? '', /REQ-1002/);
    const extension = await h.bot.store.requests.get('REQ-1002');
    assert.equal(extension?.extensionOf, id);
    assert.equal(extension?.grantEndsAt, new Date(Date.parse(end) + 30 * DAY).toISOString());

    const [twice] = await say(users.alex, `extend ${id} for 2 weeks`);
    assert.match(twice ?? '', /You already asked to extend .*REQ-1002/);
    assert.equal(await h.bot.store.requests.get('REQ-1003'), undefined, 'no second extension');

    const pending = await file(envs.contosoTest, new Date(T0 + 5 * DAY).toISOString());
    const [notActive] = await say(users.alex, `extend ${pending} for a week`);
    assert.match(notActive ?? '', new RegExp(`${pending} is pending; only an active grant can be extended`));
  });

  it('posts tenant changes to the notifications channel set in chat, after a monitor tick', async () => {
    await setUpChannels(h, ['notifications']);
    const baseline = await h.bot.monitor.tick();
    assert.equal(baseline.baseline, true);
    const sim = h.bot.simulator;
    assert.ok(sim, 'the harness runs the simulated tenant');
    const template = sim.state.environments.find((e) => e.name === envs.marketingSandbox);
    assert.ok(template);
    sim.state.environments.push({
      ...structuredClone(template),
      name: '00000000-0000-4000-8000-00000000c0de',
      displayName: 'Shadow IT Playground',
      roleAssignments: [],
    });
    const result = await h.bot.monitor.tick();
    assert.deepEqual(
      result.posted.map((e) => e.type),
      ['environment.created'],
    );
    await h.settle();
    const posts = h.connector.messages(team.news).filter((c) => /Shadow IT Playground/.test(textOf(c.body)));
    assert.equal(posts.length, 1, h.connector.describe());
    assert.match(textOf(posts[0]?.body ?? {}), /new environment/i);
    await h.bot.monitor.tick();
    await h.settle();
    assert.equal(
      h.connector.messages(team.news).filter((c) => /Shadow IT Playground/.test(textOf(c.body))).length,
      1,
      'announced once',
    );
  });
});
