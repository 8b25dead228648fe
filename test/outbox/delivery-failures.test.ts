// Proactive sends that Teams refuses, through the whole bot (CloudAdapter with the app's error handler, outbox,
// Bot Connector double over HTTP): a refused send is never recorded as sent. 403/404 are final, 429/5xx are
// retried, a vanished card is posted anew, and an unreachable requester is reported to approvers once.
import assert from 'node:assert/strict';
import { type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { team, users } from '../support/fixture-ids.js';

describe('outbox: failed proactive deliveries reach the outbox', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await setUpChannels(h);
  });
  afterEach(async () => {
    await h.stop();
  });

  /** Alex asks for the maker role; returns the approval card post in the approvals channel. */
  async function fileAndPublish() {
    await h.say(
      users.alex,
      'I need the Environment Maker role in Marketing Sandbox because I build the campaign tracker',
    );
    await h.settle();
    const post = h.connector.messages(team.approvals).find((c) => c.method === 'POST');
    assert.ok(post, 'approval card posted');
    return post;
  }

  async function approve(post: { id: string; body: Record<string, unknown> }) {
    const actions = (firstCard(post.body)?.actions as { verb?: string; data?: Record<string, unknown> }[]) ?? [];
    const data = actions.find((a) => a.verb === 'approve')?.data;
    const res = await h.invoke(users.megan, 'approve', data, {
      conversationId: team.approvals,
      channelId: team.approvals,
      replyToId: post.id,
    });
    assert.equal(res.status, 200);
    await h.settle();
  }

  const outbox = async () => h.bot.store.outbox.list();
  const auditChannelTexts = () =>
    h.connector.messages(team.audit).map((c) => String(c.body.text ?? cardText(firstCard(c.body))));

  it('404 ConversationNotFound to the requester: dead at once with its reason, approvers told once', async () => {
    const post = await fileAndPublish();
    const personal = h.personalConversationId(users.alex);
    h.connector.failNext({
      status: 404,
      code: 'ConversationNotFound',
      times: 50,
      match: (c) => c.conversationId === personal,
    });
    await approve(post);
    await h.settle();

    const toAlex = (await outbox()).filter((m) => m.conversationKey === `personal:${users.alex.id}`);
    assert.ok(toAlex.length >= 2, `several messages for Alex (${toAlex.length})`);
    for (const m of toAlex) {
      assert.equal(m.status, 'dead', `${m.idempotencyKey} is ${m.status}`);
      assert.equal(m.attempts, 1, `${m.idempotencyKey}: a 404 is not retried`);
      assert.match(m.lastError ?? '', /404.*ConversationNotFound/);
    }
    assert.equal(
      (await h.bot.store.outbox.list({ status: 'sent' })).filter((m) => m.conversationKey.startsWith('personal:'))
        .length,
      0,
    );
    const notices = auditChannelTexts().filter((t) => /can't be reached/.test(t));
    assert.equal(notices.length, 1, `one notice: ${auditChannelTexts().join(' | ')}`);
    assert.match(notices[0] ?? '', /Alex Wilber.*REQ-1001/);
    const audit = await h.bot.store.audit.list({ requestId: 'REQ-1001' });
    assert.equal(audit.filter((r) => r.action === 'requester.unreachable').length, 1);
  });

  it('403 (the user blocked the bot) is final too', async () => {
    const post = await fileAndPublish();
    const personal = h.personalConversationId(users.alex);
    h.connector.failNext({
      status: 403,
      code: 'ConversationBlockedByUser',
      times: 50,
      match: (c) => c.conversationId === personal,
    });
    await approve(post);
    const dead = await h.bot.store.outbox.list({ status: 'dead' });
    assert.ok(dead.length >= 1);
    for (const m of dead) assert.match(m.lastError ?? '', /^403 ConversationBlockedByUser/);
    assert.equal(auditChannelTexts().filter((t) => /can't be reached/.test(t)).length, 1);
  });

  it('429 and 500 are retried and then sent, nobody is told the requester is unreachable', async () => {
    // One planned failure at a time, in this order: 500 first (backoff 1 s), then 429 with Retry-After 0.
    h.connector.failNext({ status: 500, match: (c) => c.conversationId === team.approvals });
    await h.say(
      users.alex,
      'I need the Environment Maker role in Marketing Sandbox because I build the campaign tracker',
    );
    await h.settle();
    let card = (await outbox()).find((m) => m.idempotencyKey === 'approval:REQ-1001');
    assert.equal(card?.status, 'pending', 'still waiting for a retry after a 500');
    assert.match(card?.lastError ?? '', /^500/);
    h.connector.failNext({ status: 429, retryAfterSeconds: 0, match: (c) => c.conversationId === team.approvals });
    await new Promise((r) => setTimeout(r, 1300)); // the first backoff is 1 s ± 20 %
    await h.settle();
    card = (await outbox()).find((m) => m.idempotencyKey === 'approval:REQ-1001');
    assert.equal(card?.status, 'sent');
    assert.equal(card?.attempts, 3);
    assert.deepEqual(
      h.connector.refused.map((r) => r.status),
      [500, 429],
    );
    assert.equal(auditChannelTexts().filter((t) => /can't be reached/.test(t)).length, 0);
  });

  it('an edit of a card that no longer exists posts the card anew; later edits change the new one', async () => {
    const post = await fileAndPublish();
    h.connector.failNext({
      status: 404,
      code: 'ActivityNotFoundInConversation',
      match: (c) => c.method === 'PUT' && c.activityId === post.id,
      times: 50,
    });
    await approve(post);
    const posts = h.connector.messages(team.approvals).filter((c) => c.method === 'POST');
    assert.equal(posts.length, 2, 'the card was posted again');
    const repost = posts[1];
    assert.ok(repost);
    const puts = h.connector.messages(team.approvals).filter((c) => c.method === 'PUT');
    assert.ok(puts.length >= 1, 'later versions edit the new card');
    for (const put of puts) assert.equal(put.activityId, repost.id);
    const last = [...puts].at(-1) ?? repost;
    assert.match(cardText(firstCard(last.body)), /Approved by Megan Bowen|Done|Completed|granted/i);
    assert.equal((await h.bot.store.outbox.list({ status: 'dead' })).length, 0);
  });
});
