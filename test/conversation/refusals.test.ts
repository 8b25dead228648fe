// Every refusal of Step 1, over the Bot Framework protocol: each is answered clearly, audited, and changes
// nothing in the tenant.
import assert from 'node:assert/strict';
import { type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { envs, team, users } from '../support/fixture-ids.js';

describe('conversation: refusals and answers without approval', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  const lastReplyTo = async (user: { id: string; name: string }, count: number) =>
    h.connector.waitFor((calls) => {
      const mine = calls.filter(
        (c) => c.conversationId === h.personalConversationId(user) && c.body.type === 'message',
      );
      return mine.length >= count ? mine[count - 1] : undefined;
    });
  const replyText = (call: { body: Record<string, unknown> }) =>
    `${call.body.text ?? ''}\n${cardText(firstCard(call.body))}`;

  async function fileAndPost(user = users.alex, env = 'Marketing Sandbox') {
    await setUpChannels(h);
    await h.personal(user, `I need the Environment Maker role in ${env}`);
    await h.settle();
    const post = h.connector.messages(team.approvals).find((c) => c.method === 'POST');
    assert.ok(post, 'approval card posted');
    return post;
  }
  const inApprovals = (replyToId: string) => ({ conversationId: team.approvals, channelId: team.approvals, replyToId });
  const writesTo = (needle: string) =>
    h.bot.simulator?.state.requests.filter((r) => r.method !== 'GET' && r.path.includes(needle)).length ?? -1;

  it('refuses the requester approving their own request', async () => {
    // Nestor is an approver; he asks for himself, then tries to approve.
    await setUpChannels(h);
    await h.personal(users.nestor, 'request maker role in Contoso Dev');
    await h.settle();
    const post = h.connector.messages(team.approvals).find((c) => c.method === 'POST');
    assert.ok(post);
    const res = await h.invoke(users.nestor, 'approve', { requestId: 'REQ-1001', revision: 0 }, inApprovals(post.id));
    assert.equal(res.status, 200);
    assert.match(cardText(res.body.value), /someone else has to decide/);
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'pending');
    const refused = await h.bot.store.audit.list({ requestId: 'REQ-1001', outcome: 'refused' });
    assert.equal(refused[0]?.details?.code, 'SELF_APPROVAL');
  });

  it('refuses a user outside the approver group', async () => {
    const post = await fileAndPost(users.alex);
    const res = await h.invoke(users.adele, 'approve', { requestId: 'REQ-1001', revision: 0 }, inApprovals(post.id));
    // Someone who may not see the request learns nothing about it (issue 10.2).
    assert.match(cardText(res.body.value), /can't find REQ-1001 among the requests you can see/);
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'pending');
    const refused = await h.bot.store.audit.list({ requestId: 'REQ-1001', outcome: 'refused' });
    assert.equal(refused[0]?.details?.code, 'NOT_FOUND_OR_NOT_YOURS');
    assert.equal(refused[0]?.actorId, users.adele.id);
  });

  it('answers a second decision with the current state and never executes twice', async () => {
    const post = await fileAndPost(users.alex);
    const first = await h.invoke(users.megan, 'approve', { requestId: 'REQ-1001', revision: 0 }, inApprovals(post.id));
    assert.match(cardText(first.body.value), /Approved by Megan Bowen/);
    await h.settle();
    const writes = writesTo('modifyRoleAssignments');
    assert.equal(writes, 1);
    // The same card clicked again (replayed), and a different approver rejecting afterwards.
    const again = await h.invoke(users.megan, 'approve', { requestId: 'REQ-1001', revision: 0 }, inApprovals(post.id));
    const late = await h.invoke(users.nestor, 'reject', { requestId: 'REQ-1001', revision: 1 }, inApprovals(post.id));
    await h.settle();
    assert.match(cardText(again.body.value), /already completed/);
    assert.match(cardText(late.body.value), /already completed/);
    assert.equal(writesTo('modifyRoleAssignments'), 1, 'the grant ran once');
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'completed');
    const jobs = await h.bot.store.jobs.list({ kind: 'execute-request' });
    assert.equal(jobs.length, 1);
  });

  it('refuses an unknown or malformed request id on a card', async () => {
    const post = await fileAndPost(users.alex);
    const unknown = await h.invoke(
      users.megan,
      'approve',
      { requestId: 'REQ-999999', revision: 0 },
      inApprovals(post.id),
    );
    assert.match(cardText(unknown.body.value), /can't find REQ-999999 among the requests you can see/);
    const malformed = await h.invoke(
      users.megan,
      'approve',
      { requestId: "'; drop table requests; --" },
      inApprovals(post.id),
    );
    assert.match(cardText(malformed.body.value), /could not be read/);
    const missing = await h.invoke(users.megan, 'reject', null, inApprovals(post.id));
    assert.match(cardText(missing.body.value), /could not be read/);
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'pending');
    const refusals = await h.bot.store.audit.list({ outcome: 'refused' });
    assert.ok(refusals.some((r) => r.details?.code === 'NOT_FOUND_OR_NOT_YOURS'));
    assert.equal(refusals.filter((r) => r.details?.code === 'MALFORMED_ACTION').length, 2);
  });

  it('refuses a stale card and shows the current state', async () => {
    const post = await fileAndPost(users.alex);
    const res = await h.invoke(users.megan, 'approve', { requestId: 'REQ-1001', revision: 7 }, inApprovals(post.id));
    assert.match(cardText(res.body.value), /out of date/);
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'pending');
    const refused = await h.bot.store.audit.list({ requestId: 'REQ-1001', outcome: 'refused' });
    assert.equal(refused[0]?.details?.code, 'STALE_CARD');
  });

  it('answers an unknown card verb without changing anything', async () => {
    const post = await fileAndPost(users.alex);
    const res = await h.invoke(users.megan, 'deleteEverything', { requestId: 'REQ-1001' }, inApprovals(post.id));
    assert.equal(res.status, 200);
    assert.match(cardText(res.body.value), /not one I handle/);
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'pending');
  });

  it('tells the requester when a rejection happens, with the comment', async () => {
    const post = await fileAndPost(users.alex);
    const res = await h.invoke(
      users.megan,
      'reject',
      { requestId: 'REQ-1001', revision: 0, comment: 'use the Default environment' },
      inApprovals(post.id),
    );
    assert.match(cardText(res.body.value), /Rejected by Megan Bowen/);
    await h.settle();
    const told = h.connector
      .messages(h.personalConversationId(users.alex))
      .find((c) => /was rejected/.test(cardText(firstCard(c.body))));
    assert.ok(told, h.connector.describe());
    assert.match(cardText(firstCard(told.body)), /use the Default environment/);
    // The audit post reads as English and carries the reason.
    const posted = h.connector.calls.map((c) => cardText(firstCard(c.body ?? {}))).join('\n');
    assert.match(posted, /REQ-1001 · [^\n]*rejected by Megan Bowen: “use the Default environment”/);
    assert.doesNotMatch(posted, /rejectd/);
    assert.equal(writesTo('modifyRoleAssignments'), 0);
  });

  it('answers at once when the role is already held or the environment is the default one', async () => {
    await setUpChannels(h);
    await h.personal(users.adele, 'I need the Environment Maker role in Contoso Dev');
    assert.match(
      replyText(await lastReplyTo(users.adele, 1)),
      /already hold the Environment Maker role in Contoso Dev/,
    );
    await h.personal(users.adele, 'maker role in Contoso (default)');
    assert.match(replyText(await lastReplyTo(users.adele, 2)), /default environment/);
    assert.deepEqual(await h.bot.store.requests.list(), []);
  });

  it('keeps the request pending, not lost, when no approvals channel is set; posts it once one is', async () => {
    await h.personal(users.alex, 'request maker role in Marketing Sandbox');
    const reply = await lastReplyTo(users.alex, 1);
    assert.match(replyText(reply), /No approvals channel is set up yet/);
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'pending');
    await h.settle();
    assert.equal(h.connector.messages(team.approvals).length, 0);
    await setUpChannels(h, ['approvals']);
    await h.settle();
    const posted = h.connector.messages(team.approvals).filter((c) => /REQ-1001/.test(cardText(firstCard(c.body))));
    assert.equal(posted.length, 1);
  });

  it('refuses a non-approver setting a channel', async () => {
    const res = await h.channel(users.alex, team.approvals, 'set approvals channel');
    assert.equal(res.status, 200);
    const reply = await h.connector.waitFor((calls) =>
      calls.find((c) => c.conversationId.startsWith(team.approvals) && c.body.type === 'message'),
    );
    assert.match(String(reply.body.text), /only Power Platform approvers/);
    assert.equal(await h.bot.store.channels.get('approvals'), undefined);
    const refused = await h.bot.store.audit.list({ action: 'channel.set.refused' });
    assert.equal(refused.length, 1);
  });

  it('suggests close names for an unknown environment and files nothing', async () => {
    await h.personal(users.alex, 'request maker role in Finanse Sandbx Europe Zone');
    const reply = replyText(await lastReplyTo(users.alex, 1));
    assert.match(reply, /Finance Sandbox/);
    assert.deepEqual(await h.bot.store.requests.list(), []);
  });

  it('answers a malformed body with 400 and a redelivered message once', async () => {
    const res = await h.post({ hello: 'world' });
    assert.equal(res.status, 400);
    const activity = {
      type: 'message',
      id: 'same-id-1',
      serviceUrl: h.connector.url,
      channelId: 'msteams',
      from: { id: `29:${users.alex.id}`, name: users.alex.name, aadObjectId: users.alex.id },
      recipient: { id: '28:governance-bot', name: 'Governance' },
      conversation: { id: h.personalConversationId(users.alex), conversationType: 'personal' },
      text: 'request maker role in Marketing Sandbox',
    };
    await h.post(activity);
    await h.post(activity);
    await lastReplyTo(users.alex, 1);
    await h.settle();
    assert.equal((await h.bot.store.requests.list()).length, 1);
    const replies = h.connector.messages(h.personalConversationId(users.alex));
    assert.equal(replies.length, 1);
  });

  it('fails the grant clearly when the requester has no licence for a Dataverse environment', async () => {
    await setUpChannels(h);
    await h.personal(users.lidia, 'request maker role in Finance Sandbox');
    await h.settle();
    const post = h.connector.messages(team.approvals).find((c) => c.method === 'POST');
    assert.ok(post);
    // The warning is for approvers: in their own refreshed view, not on the card every channel member reads.
    assert.doesNotMatch(cardText(firstCard(post.body)), /licence/);
    const approverView = await h.invoke(users.megan, 'refresh', { requestId: 'REQ-1001' }, inApprovals(post.id));
    assert.match(cardText(approverView.body.value), /no Power Apps licence/);
    await h.invoke(users.megan, 'approve', { requestId: 'REQ-1001', revision: 0 }, inApprovals(post.id));
    await h.settle();
    const failed = await h.bot.store.requests.get('REQ-1001');
    assert.equal(failed?.status, 'failed');
    assert.match(failed?.execution.error?.code ?? '', /userNotLicensed/);
    const env = await h.bot.tenant.getEnvironment(envs.financeSandbox);
    assert.ok(env);
    assert.equal(await h.bot.tenant.hasEnvironmentRole(env, users.lidia.id, 'EnvironmentMaker'), false);
  });
});
