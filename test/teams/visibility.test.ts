// Issue 10.2: a request's details (justification, routing, requester) are for its requester and the approvers
// only, on every path: text commands, every card verb, refresh. Everyone else gets the answer an id that does
// not exist gets. In a group chat the receipt is short and the details go to the personal chat; activities
// from another tenant are refused.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MEMBERSHIP_TTL_MS } from '../../src/tenant/membership-cache.js';
import { type Harness, setUpChannels, startHarness, type User } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { TENANT_ID, team, users } from '../support/fixture-ids.js';

const SECRETS = /secret launch plan|alexw@|Marketing Sandbox|Alex Wilber|Power Apps licence|Licence:|Department/;

describe('teams: who may see a request', () => {
  let h: Harness;
  /** How far the bot's clock is ahead of real time (a test moves it past the membership answers' bound). */
  let ahead: number;
  beforeEach(async () => {
    ahead = 0;
    h = await startHarness({ clock: () => new Date(Date.now() + ahead) });
    await setUpChannels(h);
    await h.personal(
      users.alex,
      'I need the Environment Maker role in Marketing Sandbox because of the secret launch plan',
    );
    await h.settle();
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'pending');
  });
  afterEach(async () => {
    await h.stop();
  });

  const inPersonal = (user: User) => ({ conversationId: h.personalConversationId(user) });
  /** The answer with the request id taken out, so an existing and a made-up id can be compared. */
  const neutral = (text: string, id: string) => text.replaceAll(id, 'REQ-?');

  const cardVerbs: [string, Record<string, unknown>][] = [
    ['showRequest', {}],
    ['why', {}],
    ['refresh', {}],
    ['approve', { revision: 0 }],
    ['reject', { revision: 0 }],
    ['needInfo', { comment: 'what for?' }],
    ['answerInfo', { answer: 'for the plan' }],
    ['extend', { duration: 'P7D' }],
    ['cancel', {}],
    ['cancelAsk', {}],
    ['cancelConfirm', {}],
  ];
  for (const [verb, extra] of cardVerbs) {
    it(`card verb "${verb}" on someone else's request answers as for an id that does not exist`, async () => {
      const real = await h.invoke(users.adele, verb, { requestId: 'REQ-1001', ...extra }, inPersonal(users.adele));
      const made = await h.invoke(users.adele, verb, { requestId: 'REQ-4242', ...extra }, inPersonal(users.adele));
      assert.equal(real.status, 200);
      const text = cardText(real.body.value);
      assert.doesNotMatch(text, SECRETS);
      assert.equal(neutral(text, 'REQ-1001'), neutral(cardText(made.body.value), 'REQ-4242'));
      assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'pending', 'nothing changed');
    });
  }

  it('an approve click asks the directory once about the approver (visibility and stage membership alike)', async () => {
    const approval = h.connector.messages(team.approvals).find((c) => c.method === 'POST');
    assert.ok(approval);
    const simulator = h.bot.simulator;
    assert.ok(simulator);
    const before = simulator.state.requests.length;
    const res = await h.invoke(
      users.megan,
      'approve',
      { requestId: 'REQ-1001', revision: 0 },
      { conversationId: team.approvals, channelId: team.approvals, replyToId: approval.id },
    );
    assert.match(cardText(res.body.value), /Approved by Megan Bowen/);
    const checks = simulator.state.requests
      .slice(before)
      .filter((r) => r.path.endsWith(`/users/${users.megan.id}/checkMemberGroups`));
    assert.equal(checks.length, 1);
  });

  it('clicks by one approver within 10 s read the directory once; a click after that asks about membership again', async () => {
    for (const maker of [users.adele, users.lidia]) {
      await h.personal(maker, 'I need the Environment Maker role in Marketing Sandbox because of the budget');
    }
    await h.settle();
    const cards = h.connector.messages(team.approvals).filter((c) => c.method === 'POST');
    assert.equal(cards.length, 3);
    const simulator = h.bot.simulator;
    assert.ok(simulator);
    const before = simulator.state.requests.length;
    const megan = `/users/${users.megan.id}`;
    const calls = () => simulator.state.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    const checks = () => calls().filter((c) => c.endsWith(`${megan}/checkMemberGroups`)).length;
    for (const [i, card] of cards.entries()) {
      // The third click comes after the bound (MEMBERSHIP_TTL_MS): its membership is asked of the directory again.
      if (i === 2) ahead += MEMBERSHIP_TTL_MS + 1;
      const res = await h.invoke(
        users.megan,
        'approve',
        { requestId: `REQ-100${i + 1}`, revision: 0 },
        { conversationId: team.approvals, channelId: team.approvals, replyToId: card.id },
      );
      assert.match(cardText(res.body.value), /Approved by Megan Bowen/);
      assert.equal(checks(), i < 2 ? 1 : 2, calls().join('\n'));
    }
    assert.equal(calls().filter((c) => c.startsWith('GET') && c.endsWith(megan)).length, 1, calls().join('\n'));
  });

  for (const command of ['approve REQ-1001 fine', 'reject REQ-1001 no', 'status REQ-1001', 'cancel REQ-1001']) {
    it(`text "${command}" by a non-approver answers as for an id that does not exist`, async () => {
      const [real] = await h.say(users.adele, command);
      const [made] = await h.say(users.adele, command.replace('REQ-1001', 'REQ-4242'));
      const text = `${real?.text ?? ''}${cardText(firstCard(real ?? {}))}`;
      assert.doesNotMatch(text, SECRETS);
      assert.equal(
        neutral(text, 'REQ-1001'),
        neutral(`${made?.text ?? ''}${cardText(firstCard(made ?? {}))}`, 'REQ-4242'),
      );
      assert.match(text, /can't find REQ-1001 among the requests you can see/);
    });
  }

  it('the refusals are audited', async () => {
    await h.say(users.adele, 'approve REQ-1001 fine');
    await h.invoke(users.adele, 'why', { requestId: 'REQ-1001' }, inPersonal(users.adele));
    const refused = await h.bot.store.audit.list({ actorId: users.adele.id });
    assert.deepEqual(
      refused.map((r) => [r.action, r.details?.code]),
      [
        ['request.approve.refused', 'NOT_FOUND_OR_NOT_YOURS'],
        ['card.why.refused', 'NOT_FOUND_OR_NOT_YOURS'],
      ],
    );
  });

  it('the requester and an approver see the details', async () => {
    const mine = await h.invoke(users.alex, 'showRequest', { requestId: 'REQ-1001' }, inPersonal(users.alex));
    assert.match(cardText(mine.body.value), /secret launch plan/);
    const approver = await h.invoke(
      users.megan,
      'showRequest',
      { requestId: 'REQ-1001' },
      { conversationId: team.approvals, channelId: team.approvals },
    );
    assert.match(cardText(approver.body.value), /secret launch plan/);
    const [status] = await h.say(users.megan, 'status REQ-1001');
    assert.match(cardText(firstCard(status ?? {})), /secret launch plan/);
  });
});

describe('teams: requests asked for in a group chat, and other tenants', () => {
  let h: Harness;
  /** How far the bot's clock is ahead of real time (a test moves it past the membership answers' bound). */
  let ahead: number;
  beforeEach(async () => {
    ahead = 0;
    h = await startHarness({ clock: () => new Date(Date.now() + ahead) });
    await setUpChannels(h);
  });
  afterEach(async () => {
    await h.stop();
  });

  const group = '19:group-chat-of-three@thread.v2';
  const base = (user: User, tenant = TENANT_ID) => ({
    serviceUrl: h.connector.url,
    channelId: 'msteams',
    recipient: { id: '28:governance-bot', name: 'Governance' },
    from: { id: `29:${user.id}`, name: user.name, aadObjectId: user.id },
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelData: { tenant: { id: tenant } },
  });

  it('answers in a group chat with a short receipt and sends the details to the personal chat', async () => {
    await h.say(users.alex, 'hello'); // the bot knows Alex's personal chat
    const res = await h.post({
      ...base(users.alex),
      type: 'message',
      conversation: { id: group, conversationType: 'groupChat', isGroup: true, tenantId: TENANT_ID },
      text: '<at>Governance</at> I need the Environment Maker role in Marketing Sandbox because of the secret launch plan',
      entities: [{ type: 'mention', text: '<at>Governance</at>', mentioned: { id: '28:governance-bot' } }],
    });
    assert.equal(res.status, 200);
    await h.settle();
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'pending');
    const inGroup = h.connector.messages(group).map((c) => `${c.body.text ?? ''}${cardText(firstCard(c.body))}`);
    assert.ok(
      inGroup.some((t) => /Received as REQ-1001/.test(t)),
      inGroup.join('\n'),
    );
    for (const text of inGroup)
      assert.doesNotMatch(text, /alexw@|Department|Power Apps licence|Licence:|secret launch plan/);
    const personal = h.connector.messages(h.personalConversationId(users.alex)).map((c) => cardText(firstCard(c.body)));
    assert.ok(
      personal.some((t) => /REQ-1001/.test(t) && /alexw@/.test(t)),
      'full receipt in the personal chat',
    );
  });

  it('refuses activities from another tenant: no reply, nothing stored, audited; an invoke gets 403', async () => {
    const other = '0b0b0b0b-1111-4222-8333-444455556666';
    const res = await h.post({
      ...base(users.alex, other),
      type: 'message',
      conversation: { id: h.personalConversationId(users.alex), conversationType: 'personal', tenantId: other },
      text: 'I need the Environment Maker role in Marketing Sandbox',
    });
    assert.equal(res.status, 200);
    const invoke = await h.post({
      ...base(users.megan, other),
      type: 'invoke',
      name: 'adaptiveCard/action',
      conversation: { id: h.personalConversationId(users.megan), conversationType: 'personal', tenantId: other },
      value: { action: { type: 'Action.Execute', verb: 'listPending', data: {} }, trigger: 'manual' },
    });
    assert.equal(invoke.status, 403);
    await h.settle();
    assert.equal((await h.bot.store.requests.list()).length, 0);
    assert.equal(h.connector.messages(h.personalConversationId(users.alex)).length, 0);
    const refused = await h.bot.store.audit.list({ action: 'activity.refused' });
    assert.equal(refused.length, 2);
    assert.equal(refused[0]?.details?.code, 'FOREIGN_TENANT');
  });

  it('refuses activities from another channel than Teams (Web Chat names an approver as its sender): 403, nothing acts', async () => {
    await h.personal(users.alex, 'I need the Environment Maker role in Marketing Sandbox because of the launch plan');
    await h.settle();
    const sent = h.connector.calls.length;
    // Web Chat and Direct Line clients write their own `from`; the token vouches for the channel, not for the user.
    const fromWebChat = (verb: string, data: Record<string, unknown>) =>
      h.post({
        ...base(users.megan),
        channelId: 'webchat',
        type: 'invoke',
        name: 'adaptiveCard/action',
        conversation: { id: 'webchat-conversation', tenantId: TENANT_ID },
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      });
    const approve = await fromWebChat('approve', { requestId: 'REQ-1001', revision: 0 });
    assert.equal(approve.status, 403);
    assert.match(await approve.text(), /Microsoft Teams only/);
    assert.equal((await fromWebChat('showRequest', { requestId: 'REQ-1001' })).status, 403);
    const message = await h.post({
      ...base(users.megan),
      channelId: 'directline',
      type: 'message',
      conversation: { id: 'directline-conversation', tenantId: TENANT_ID },
      text: 'approve REQ-1001',
    });
    assert.equal(message.status, 200);
    await h.settle();
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'pending');
    assert.equal(h.connector.calls.length, sent, 'no reply to another channel');
    const refused = await h.bot.store.audit.list({ action: 'activity.refused' });
    assert.deepEqual(
      refused.map((r) => [r.details?.code, r.targetId]),
      [
        ['OTHER_CHANNEL', 'webchat'],
        ['OTHER_CHANNEL', 'webchat'],
        ['OTHER_CHANNEL', 'directline'],
      ],
    );
  });
});
