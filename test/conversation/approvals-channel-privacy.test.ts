// The approvals channel is read by everyone in it, not only approvers: the card posted there carries no email,
// department or licence of the requester. Approvers (listed in refresh.userIds) get their own view with those details
// through the refresh invoke, which checks visibility on the server; any other channel member gets nothing more.
import assert from 'node:assert/strict';
import { type Harness, setUpChannels, startHarness, type User } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { envs, team, users } from '../support/fixture-ids.js';

describe('conversation: requester details stay out of shared channels', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ kickWorkers: false });
    await setUpChannels(h, ['approvals', 'audit']);
  });
  afterEach(async () => {
    await h.stop();
  });

  async function fileFor(user: User) {
    await h.personal(user, 'help'); // the bot knows the personal chat, as after installing the app
    const environment = await h.bot.tenant.getEnvironment(envs.marketingSandbox);
    assert.ok(environment);
    const result = await h.bot.service.file({
      requesterId: user.id,
      details: { type: 'maker-role', environment },
      justification: 'I build the campaign tracker',
    });
    assert.equal(result.kind, 'filed');
    await h.settle();
    return result.kind === 'filed' ? result.request : assert.fail('not filed');
  }

  /** Everything a reader could see of a card: its JSON, so no field escapes the check. */
  const json = (card: unknown) => JSON.stringify(card ?? {});
  const details = (card: unknown, upn: string) => ({
    email: json(card).includes(upn),
    department: /"Department:?\*?\*?|Department:/.test(json(card)),
    licence: /licence/i.test(json(card)),
  });

  it('posts a base card without them; an approver’s refresh shows them, another member’s does not', async () => {
    const request = await fileFor(users.alex);
    const upn = request.requester.upn;
    assert.ok(request.requester.department, 'the fixture gives Alex a department');
    const post = h.connector.messages(team.approvals).find((c) => c.method === 'POST');
    assert.ok(post, 'approval card posted');
    const base = firstCard(post.body);
    assert.match(cardText(base), new RegExp(request.id));
    assert.match(cardText(base), /Alex Wilber/);
    assert.deepEqual(details(base, upn), { email: false, department: false, licence: false });
    const refresh = (base as { refresh?: { action?: { verb?: string }; userIds?: string[] } }).refresh;
    assert.equal(refresh?.action?.verb, 'refresh');
    // Listed as Teams lists users: by the MRI each activity carries as from.id (Alex wrote, Megan set the channels).
    assert.ok((refresh?.userIds ?? []).length <= 60);
    assert.ok(refresh?.userIds?.includes(`29:${users.alex.id}`), String(refresh?.userIds));
    assert.ok(refresh?.userIds?.includes(`29:${users.megan.id}`), String(refresh?.userIds));

    const where = { conversationId: team.approvals, channelId: team.approvals, replyToId: post.id };
    const approverView = await h.invoke(users.megan, 'refresh', { requestId: request.id }, where);
    assert.equal(approverView.status, 200);
    assert.deepEqual(details(approverView.body.value, upn), { email: true, department: true, licence: true });

    const memberView = await h.invoke(users.lidia, 'refresh', { requestId: request.id }, where);
    assert.equal(memberView.status, 200);
    assert.deepEqual(details(memberView.body.value, upn), { email: false, department: false, licence: false });
    assert.doesNotMatch(cardText(memberView.body.value), /Alex Wilber/);

    // Decided: the edited channel card and the audit channel's post still carry none of them.
    const approve = await h.invoke(users.megan, 'approve', { requestId: request.id, revision: 0 }, where);
    assert.equal(approve.status, 200);
    await h.settle();
    const edits = h.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === post.id);
    assert.ok(edits.length > 0, 'the channel card was updated');
    for (const edit of edits) assert.equal(details(firstCard(edit.body), upn).email, false);
    const audit = h.connector.messages(team.audit).filter((c) => c.method === 'POST');
    assert.ok(
      audit.some((c) => cardText(firstCard(c.body)).includes(request.id)),
      'audit post sent',
    );
    for (const c of audit)
      assert.deepEqual(details(firstCard(c.body), upn), { email: false, department: false, licence: false });
  });
});
