// Every copy of a request's card the bot posted is edited on every change of state (issue 14): the receipt in the
// personal chat, status answers there and in a group chat, "you already asked" copies, the approver's question to
// the requester, the approval card in the approvals channel. Checked at the Bot Connector double: after the
// decision, the last version of every activity the bot posted with the request's card (its POST, or the last PUT
// to it) shows the outcome, never "Waiting for approval" or a Cancel or Send answer button.
import assert from 'node:assert/strict';
import { approveInChannel, type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { type ConnectorCall, cardText, firstCard } from '../support/connector-double.js';
import { team, users } from '../support/fixture-ids.js';

const GROUP = '19:group-chat-of-alex-and-adele@thread.v2';
const WIDE = { perConversation: [{ limit: 1_000, windowMs: 1_000 }], perTenant: [{ limit: 1_000, windowMs: 1_000 }] };

describe('conversation: every copy of a card follows the request', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await setUpChannels(h, ['approvals', 'audit']);
  });
  afterEach(async () => {
    await h.stop();
  });

  /** A message in a group chat, mentioning the bot (as Teams sends it there). */
  async function inGroup(text: string) {
    const before = h.connector.messages(GROUP).length;
    const res = await h.group(users.alex, GROUP, text);
    assert.equal(res.status, 200);
    await h.connector.waitFor((calls) => calls.filter((c) => c.conversationId === GROUP).length > before);
  }

  /** Megan asks "Which campaign?" on REQ-1001's approval card and Alex answers; the approval card's activity. */
  async function askAndAnswer(): Promise<ConnectorCall> {
    const approval = h.connector.messages(team.approvals).find((c) => c.method === 'POST');
    assert.ok(approval, h.connector.describe());
    const asked = await h.invoke(
      users.megan,
      'needInfo',
      { requestId: 'REQ-1001', revision: 0, comment: 'Which campaign?' },
      { conversationId: team.approvals, channelId: team.approvals, replyToId: approval.id },
    );
    assert.equal(asked.status, 200);
    await h.settle();
    await h.say(users.alex, 'answer REQ-1001 the spring launch');
    return approval;
  }

  /** Every activity the bot POSTed whose card is REQ-1001's request card, with its latest text. */
  function copiesOf(requestId: string): { posted: ConnectorCall; latest: string; verbs: string[]; puts: number }[] {
    const header = `${requestId} · `;
    return h.connector.calls
      .filter(
        (c) => c.method === 'POST' && c.conversationId !== team.audit && cardText(firstCard(c.body)).includes(header),
      )
      .map((posted) => {
        const puts = h.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === posted.id);
        const last = puts.at(-1) ?? posted;
        const card = firstCard(last.body);
        const verbs = [...JSON.stringify(card).matchAll(/"verb":"(\w+)"/g)].map((m) => m[1] ?? '');
        return { posted, latest: cardText(card), verbs, puts: puts.length };
      });
  }

  it('edits the receipt, status answers (personal and group chat), a duplicate and the question card', async () => {
    const said = await h.say(
      users.alex,
      'I need the Environment Maker role in Marketing Sandbox for the campaign tracker',
    );
    assert.match(cardText(firstCard(said[0] ?? {})), /REQ-1001 · Waiting for approval/);
    await h.say(users.alex, 'status REQ-1001');
    await h.say(users.alex, 'what is happening with my request?');
    await h.say(users.alex, 'I need the Environment Maker role in Marketing Sandbox for the campaign tracker');
    await inGroup('status REQ-1001');
    await h.settle();

    const approval = await askAndAnswer();
    await h.settle();

    // "Open" on a list turns the list message into the request's card: Alex's "my requests", Megan's pending list.
    const opened: ConnectorCall[] = [];
    for (const [user, text] of [
      [users.alex, 'my requests'],
      [users.megan, 'pending requests'],
    ] as const) {
      const [list] = await h.say(user, text);
      const posted = h.connector.messages(h.personalConversationId(user)).find((c) => c.body === list);
      assert.ok(posted, `${text}: ${h.connector.describe()}`);
      const open = await h.invoke(
        user,
        'showRequest',
        { requestId: 'REQ-1001' },
        { conversationId: h.personalConversationId(user), replyToId: posted.id },
      );
      assert.equal(open.status, 200);
      opened.push(posted);
    }

    const before = copiesOf('REQ-1001');
    // receipt, 2 status answers, the duplicate, the group-chat answer, the question card, the answer's card, and
    // the approval card.
    assert.ok(before.length >= 8, `${before.length} copies: ${h.connector.describe()}`);

    const approved = await approveInChannel(h, users.megan, approval.id, { requestId: 'REQ-1001', revision: 0 });
    assert.equal(approved.status, 200);
    await h.settle();
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'completed');

    const after = copiesOf('REQ-1001');
    const stale = after.filter(
      (c) =>
        /Waiting for approval/.test(c.latest) ||
        !/REQ-1001 · Completed/.test(c.latest) ||
        c.verbs.some((v) => ['cancel', 'approve', 'reject', 'answerInfo', 'needInfo'].includes(v)),
    );
    assert.deepEqual(
      stale.map(
        (c) => `${c.posted.conversationId}/${c.posted.id} (${c.puts} edits, ${c.verbs}): ${c.latest.slice(0, 80)}`,
      ),
      [],
    );
    for (const list of opened) {
      const last = h.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === list.id).at(-1);
      const card = firstCard(last?.body ?? {});
      assert.match(cardText(card), /REQ-1001 · Completed/, `the opened list ${list.conversationId} follows`);
      assert.doesNotMatch(JSON.stringify(card), /"verb":"(approve|reject|cancel)"/);
    }
    // The group chat's copy reads as others may read it: no email there.
    const group = after.find((c) => c.posted.conversationId === GROUP);
    assert.ok(group, 'the group chat got a copy');
    assert.doesNotMatch(group.latest, /alexw@/);
  });

  it('edits every copy when the first of two stages passes, then when the second decides', async () => {
    await h.say(users.alex, 'I need the Environment Maker role in IT Tools because I maintain the tools app');
    await h.say(users.alex, 'status REQ-1001');
    await h.settle();
    const approval = h.connector.messages(team.approvals).find((c) => c.method === 'POST');
    assert.ok(approval, h.connector.describe());
    const request = await h.bot.store.requests.get('REQ-1001');
    assert.equal(request?.stages.length, 2, 'Production: two stages');

    const first = await approveInChannel(h, users.megan, approval.id, { requestId: 'REQ-1001', revision: 0 });
    assert.equal(first.status, 200);
    await h.settle();
    const between = copiesOf('REQ-1001');
    assert.ok(between.length >= 3, h.connector.describe());
    assert.deepEqual(
      between
        .filter((c) => !/stage 2 of 2/.test(c.latest))
        .map((c) => `${c.posted.conversationId}: ${c.latest.slice(0, 90)}`),
      [],
    );

    const second = await approveInChannel(h, users.patti, approval.id, { requestId: 'REQ-1001', revision: 1 });
    assert.equal(second.status, 200);
    await h.settle();
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'completed');
    assert.deepEqual(
      copiesOf('REQ-1001')
        .filter((c) => !/REQ-1001 · Completed/.test(c.latest))
        .map((c) => `${c.posted.conversationId}: ${c.latest.slice(0, 90)}`),
      [],
    );
  });

  /** Opens REQ-1001 from the user's "pending requests" list: that message becomes their own copy of the card. */
  async function openFromPending(user: { id: string; name: string }) {
    const [list] = await h.say(user, 'pending requests');
    const posted = h.connector.messages(h.personalConversationId(user)).find((c) => c.body === list);
    assert.ok(posted, h.connector.describe());
    const where = { conversationId: h.personalConversationId(user), replyToId: posted.id };
    const opened = await h.invoke(user, 'showRequest', { requestId: 'REQ-1001' }, where);
    assert.equal(opened.status, 200);
    return { posted, verbs: [...JSON.stringify(opened.body.value).matchAll(/"verb":"(\w+)"/g)].map((m) => m[1]) };
  }
  const lastVerbs = (posted: ConnectorCall) => {
    const last = h.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === posted.id).at(-1);
    const card = firstCard(last?.body ?? posted.body);
    return { text: cardText(card), verbs: [...JSON.stringify(card).matchAll(/"verb":"(\w+)"/g)].map((m) => m[1]) };
  };

  it("after stage 1, the first approver's own copy loses its buttons; the senior approver's keeps them", async () => {
    await h.say(users.alex, 'I need the Environment Maker role in IT Tools because I maintain the tools app');
    await h.settle();
    const megans = await openFromPending(users.megan);
    const pattis = await openFromPending(users.patti);
    assert.ok(megans.verbs.includes('approve'), 'stage 1: Megan may decide');
    const approval = h.connector.messages(team.approvals).find((c) => c.method === 'POST');
    assert.ok(approval, h.connector.describe());

    const first = await approveInChannel(h, users.megan, approval.id, { requestId: 'REQ-1001', revision: 0 });
    assert.equal(first.status, 200);
    await h.settle();
    const mine = lastVerbs(megans.posted);
    assert.match(mine.text, /stage 2 of 2/);
    assert.match(mine.text, /Senior Approvers/);
    assert.deepEqual(
      mine.verbs.filter((v) => v === 'approve' || v === 'reject'),
      [],
      `Megan cannot decide stage 2: ${mine.text.slice(0, 200)}`,
    );
    assert.ok(lastVerbs(pattis.posted).verbs.includes('approve'), 'Patti, a senior approver, decides stage 2');
  });

  it('an approver who filled stage 1 and is also a senior approver gets no buttons for stage 2 (copy and refresh)', async () => {
    await h.say(users.alex, 'I need the Environment Maker role in IT Tools because I maintain the tools app');
    await h.settle();
    const pattis = await openFromPending(users.patti);
    const approval = h.connector.messages(team.approvals).find((c) => c.method === 'POST');
    assert.ok(approval, h.connector.describe());
    assert.equal(
      (await approveInChannel(h, users.patti, approval.id, { requestId: 'REQ-1001', revision: 0 })).status,
      200,
    );
    await h.settle();
    const copy = lastVerbs(pattis.posted);
    assert.match(copy.text, /stage 2 of 2/);
    assert.deepEqual(
      copy.verbs.filter((v) => v === 'approve' || v === 'reject'),
      [],
      copy.text.slice(0, 200),
    );
    const where = { conversationId: team.approvals, channelId: team.approvals, replyToId: approval.id };
    const refreshed = await h.invoke(users.patti, 'refresh', { requestId: 'REQ-1001' }, where);
    const verbs = [...JSON.stringify(refreshed.body.value).matchAll(/"verb":"(\w+)"/g)].map((m) => m[1]);
    assert.ok(!verbs.includes('approve') && !verbs.includes('reject'), verbs.join());
  });

  it('asking "status" 45 times never crowds out the question card: after the decision every card that matters follows', async () => {
    // Teams' pacing of ~40 edits a change would take seconds here; the windows are widened, the copies are not.
    await h.stop();
    h = await startHarness({ outboxPacing: { limits: WIDE, marginMs: 0 } });
    await setUpChannels(h, ['approvals', 'audit']);
    await h.say(users.alex, 'I need the Environment Maker role in Marketing Sandbox for the campaign tracker');
    for (let i = 0; i < 45; i++) await h.say(users.alex, 'status REQ-1001');
    await h.settle();
    const approval = await askAndAnswer();
    const [lastStatus] = await h.say(users.alex, 'status REQ-1001');
    await h.settle();

    const approved = await approveInChannel(h, users.megan, approval.id, { requestId: 'REQ-1001', revision: 0 });
    assert.equal(approved.status, 200);
    await h.settle();
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'completed');

    const personal = h.personalConversationId(users.alex);
    const after = copiesOf('REQ-1001');
    const question = after.filter(
      (c) => c.posted.conversationId === personal && /"verb":"answerInfo"/.test(JSON.stringify(c.posted.body)),
    );
    const latest = after.filter((c) => c.posted.conversationId === personal && c.posted.body === lastStatus);
    const channel = after.filter((c) => c.posted.conversationId === team.approvals);
    assert.equal(question.length, 1, 'the question card was posted');
    assert.equal(latest.length, 1, 'the last status answer was posted');
    assert.ok(channel.length >= 1, 'the approval card was posted');
    const stale = [...question, ...latest, ...channel].filter(
      (c) =>
        !/REQ-1001 · Completed/.test(c.latest) ||
        c.verbs.some((v) => ['cancel', 'approve', 'reject', 'answerInfo', 'needInfo'].includes(v)),
    );
    assert.deepEqual(
      stale.map((c) => `${c.posted.conversationId} (${c.puts} edits, ${c.verbs}): ${c.latest.slice(0, 80)}`),
      [],
    );
  });
});
