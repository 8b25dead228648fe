// The whole Step 1 flow over the Bot Framework protocol: a maker asks in personal chat, the approval card
// reaches the approvals channel, an approver approves with Action.Execute, the role is granted through the
// admin APIs of the simulated tenant, the cards update, the requester and the audit channel are told.
import assert from 'node:assert/strict';
import { type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { envs, team, users } from '../support/fixture-ids.js';
import { recordOutgoingRequests } from '../support/outgoing-requests.js';

describe('conversation: Environment Maker role', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  async function ask(user: { id: string; name: string }, text: string) {
    const res = await h.personal(user, text);
    assert.equal(res.status, 200);
    const reply = await h.connector.waitFor((calls) =>
      calls.find((c) => c.conversationId === h.personalConversationId(user) && c.body.type === 'message'),
    );
    return reply;
  }

  it('grants the role without Dataverse (BAP role assignment) after an approver approves', async () => {
    await setUpChannels(h);
    const receipt = await ask(
      users.alex,
      'I need the Environment Maker role in Marketing Sandbox because I build the campaign tracker',
    );
    const receiptText = cardText(firstCard(receipt.body));
    assert.match(receiptText, /REQ-1001/);
    assert.match(receiptText, /Waiting for approval/);

    // Stored before the receipt went out.
    const stored = await h.bot.store.requests.get('REQ-1001');
    assert.equal(stored?.status, 'pending');
    assert.equal(stored?.justification, 'I build the campaign tracker');

    await h.settle();
    const approvalPost = h.connector.messages(team.approvals).find((c) => c.method === 'POST');
    assert.ok(approvalPost, 'approval card posted to the approvals channel');
    const approvalCard = firstCard(approvalPost.body);
    const text = cardText(approvalCard);
    assert.match(text, /Alex Wilber/);
    // Every channel member reads this card: no email (approvers get it in their own refreshed view).
    assert.doesNotMatch(text, /alexw@contoso\.onmicrosoft\.com/);
    assert.match(text, /Marketing Sandbox \(Sandbox, westeurope\)/);
    assert.match(text, /No: environment role assignment/);
    assert.match(text, /campaign tracker/);
    const actions =
      (approvalCard?.actions as { verb?: string; data?: { requestId?: string; revision?: number } }[]) ?? [];
    const approve = actions.find((a) => a.verb === 'approve');
    assert.equal(approve?.data?.requestId, 'REQ-1001');
    assert.equal(approve?.data?.revision, 0);

    // Before: Alex holds no role there.
    const env = await h.bot.tenant.getEnvironment(envs.marketingSandbox);
    assert.ok(env);
    assert.equal(await h.bot.tenant.hasEnvironmentRole(env, users.alex.id, 'EnvironmentMaker'), false);

    const res = await h.invoke(
      users.megan,
      'approve',
      { ...approve?.data, comment: 'ok for the campaign' },
      {
        conversationId: team.approvals,
        channelId: team.approvals,
        replyToId: approvalPost.id,
      },
    );
    assert.equal(res.status, 200);
    assert.equal(res.body.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(cardText(res.body.value), /Approved by Megan Bowen/);

    await h.settle();
    assert.equal(await h.bot.tenant.hasEnvironmentRole(env, users.alex.id, 'EnvironmentMaker'), true);
    const done = await h.bot.store.requests.get('REQ-1001');
    assert.equal(done?.status, 'completed');
    assert.ok(
      done?.execution.apiCalls.some(
        (c) => c.method === 'POST' && c.url.includes('modifyRoleAssignments') && c.status === 200,
      ),
    );

    // The card in the channel was edited in place to show completion.
    const update = h.connector.calls.find(
      (c) => c.method === 'PUT' && c.activityId === approvalPost.id && /Completed/.test(cardText(firstCard(c.body))),
    );
    assert.ok(update, `approval card updated in place: ${h.connector.describe()}`);
    // The requester heard about it in personal chat.
    assert.ok(
      h.connector
        .messages(h.personalConversationId(users.alex))
        .some((c) =>
          /was done[\s\S]*You now hold the Environment Maker role in Marketing Sandbox/.test(
            cardText(firstCard(c.body)),
          ),
        ),
    );
    // The audit channel got one compact post.
    const auditPosts = h.connector.messages(team.audit).filter((c) => c.method === 'POST');
    assert.equal(auditPosts.length, 1);
    assert.match(cardText(firstCard(auditPosts[0]!.body)), /REQ-1001/);

    const trail = await h.bot.store.audit.list({ requestId: 'REQ-1001' });
    const actionsSeen = trail.map((r) => r.action);
    for (const a of ['request.created', 'request.approved', 'execution.started', 'execution.completed'])
      assert.ok(actionsSeen.includes(a), a);
    assert.ok(trail.some((r) => r.apiCalls?.some((c) => c.url.includes('modifyRoleAssignments'))));
  });

  it('grants the Dataverse Environment Maker role, adding the system user first', async () => {
    await setUpChannels(h);
    await ask(users.alex, 'request maker role in Finance Sandbox');
    await h.settle();
    const approvalPost = h.connector.messages(team.approvals).find((c) => c.method === 'POST');
    assert.ok(approvalPost);
    assert.match(cardText(firstCard(approvalPost.body)), /Yes: Dataverse security role/);
    const res = await h.invoke(
      users.nestor,
      'approve',
      { requestId: 'REQ-1001', revision: 0 },
      {
        conversationId: team.approvals,
        channelId: team.approvals,
        replyToId: approvalPost.id,
      },
    );
    assert.equal(res.status, 200);
    await h.settle();
    const done = await h.bot.store.requests.get('REQ-1001');
    assert.equal(done?.status, 'completed', JSON.stringify(done?.execution.error));
    const urls = done?.execution.apiCalls.map((c) => `${c.method} ${c.url}`) ?? [];
    assert.ok(
      urls.some((u) => /POST .*addUser/.test(u)),
      urls.join('\n'),
    );
    assert.ok(
      urls.some((u) => /POST .*systemuserroles_association\/\$ref/.test(u)),
      urls.join('\n'),
    );
    const env = await h.bot.tenant.getEnvironment(envs.financeSandbox);
    assert.ok(env);
    assert.equal(await h.bot.tenant.hasEnvironmentRole(env, users.alex.id, 'EnvironmentMaker'), true);
  });

  it("files from a chat asking the tenant once for the requester and once for their roles (the preparation's reads)", async () => {
    await setUpChannels(h);
    const outgoing = recordOutgoingRequests();
    try {
      await ask(users.alex, 'I need the Environment Maker role in Finance Sandbox because I build the budget app');
    } finally {
      outgoing.stop();
    }
    assert.ok(await h.bot.store.requests.get('REQ-1001'), 'filed');
    const directory = outgoing.sent.filter((r) => r.includes(`/users/${users.alex.id}`));
    const roles = outgoing.sent.filter((r) => /roleAssignments|systemusers/.test(r));
    assert.equal(directory.length, 1, directory.join('\n'));
    assert.equal(roles.length, 1, `Dataverse's system users and their roles:\n${roles.join('\n')}`);
  });
});
