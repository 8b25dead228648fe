// Over the Bot Framework protocol: a maker gives up their own access (issue 10 part 5). The maker role or a
// connector exception is found, shown on a confirmation card, and removed once when its holder confirms; the
// simulated tenant's request log shows the removal happened exactly once. Nobody else can confirm it.
import assert from 'node:assert/strict';
import { effectiveClassification } from '../../src/dlp/classification.js';
import { durationMs } from '../../src/policy/duration.js';
import { createRequestPreparer } from '../../src/requests/preparers/index.js';
import { approvalPost, approveFully, meetBot, readyDetails, useChannels } from '../execution/conversation-support.js';
import { type Harness, startHarness, type User } from '../support/bot-harness.js';
import { type ConnectorCall, cardText, firstCard } from '../support/connector-double.js';
import { envs, team, users } from '../support/fixture-ids.js';

const T0 = Date.parse('2026-12-01T09:00:00Z');
const EXCEPTION_NAME = 'Tenant baseline (exception for Contoso Dev)';

describe('conversation: giving up one’s own access', () => {
  let h: Harness;
  let now: number;
  beforeEach(async () => {
    now = T0;
    h = await startHarness({ clock: () => new Date(now), kickWorkers: false });
    await useChannels(h);
  });
  afterEach(async () => {
    await h.stop();
  });

  /** The user says it; the reply must be the confirmation card (returned with its activity). */
  async function offered(user: User, text: string): Promise<{ call: ConnectorCall; offerId: string }> {
    const conversationId = h.personalConversationId(user);
    const before = h.connector.messages(conversationId).length;
    await h.say(user, text);
    const call = h.connector.messages(conversationId).slice(before)[0];
    assert.ok(call, h.connector.describe());
    const actions = (firstCard(call.body)?.actions as { verb?: string; data?: { offerId?: string } }[]) ?? [];
    const confirm = actions.find((a) => a.verb === 'confirmRelease');
    assert.ok(confirm?.data?.offerId, `a confirmation card: ${JSON.stringify(call.body).slice(0, 400)}`);
    return { call, offerId: confirm.data.offerId };
  }

  const press = (user: User, owner: User, verb: string, offerId: string, cardId: string) =>
    h.invoke(user, verb, { offerId }, { conversationId: h.personalConversationId(owner), replyToId: cardId });

  const roleWrites = (environmentId: string) =>
    h.bot.simulator?.state.requests.filter(
      (r) => r.method === 'POST' && r.path.includes(environmentId) && r.path.endsWith('/modifyRoleAssignments'),
    ) ?? [];

  const bodyText = (res: { body: { value?: Record<string, unknown> } }) => cardText(res.body.value);

  it('removes the maker role once, audits it, announces it, and updates the card in place', async () => {
    const env = (await h.bot.tenant.getEnvironment(envs.contosoDev))!;
    assert.ok(
      await h.bot.tenant.hasEnvironmentRole(env, users.adele.id, 'EnvironmentMaker'),
      'fixture: Adele is a maker',
    );
    const { call, offerId } = await offered(users.adele, 'please remove my maker role in Contoso Dev');
    assert.match(cardText(firstCard(call.body)), /Give up the Environment Maker role in Contoso Dev\?/);
    assert.deepEqual(await h.bot.store.requests.list(), [], 'nothing stored before the confirmation');

    // Someone else pressing the button (a forwarded card, a guessed id) gets the neutral answer; nothing happens.
    const other = await press(users.alex, users.adele, 'confirmRelease', offerId, call.id);
    assert.equal(other.status, 200);
    assert.match(bodyText(other), /I can't find that request among the requests you can see\. Nothing was changed\./);
    assert.doesNotMatch(bodyText(other), /Adele|Contoso Dev/);
    assert.deepEqual(await h.bot.store.requests.list(), []);

    const first = await press(users.adele, users.adele, 'confirmRelease', offerId, call.id);
    assert.match(bodyText(first), /Confirmed\. I am removing it now/);
    // A double click and a replayed invoke: the same release, never a second one.
    const second = await press(users.adele, users.adele, 'confirmRelease', offerId, call.id);
    assert.match(bodyText(second), /You already confirmed this: REQ-\d+/);
    await h.settle();
    const third = await press(users.adele, users.adele, 'confirmRelease', offerId, call.id);
    assert.match(bodyText(third), /You already confirmed this: REQ-\d+ is completed/);
    await h.settle();

    const stored = await h.bot.store.requests.list();
    assert.equal(stored.length, 1, 'one release request');
    const release = stored[0]!;
    assert.equal(release.type, 'release');
    assert.equal(release.status, 'completed', JSON.stringify(release.execution.error));
    assert.deepEqual(release.stages, [], 'no approval stage');
    assert.equal(release.routing?.ruleId, 'self-release');
    assert.equal(await h.bot.tenant.hasEnvironmentRole(env, users.adele.id, 'EnvironmentMaker'), false);
    assert.equal(roleWrites(envs.contosoDev).length, 1, 'the role assignment was removed exactly once');

    const trail = await h.bot.store.audit.list({ requestId: release.id });
    for (const action of ['request.created', 'request.auto-approved', 'execution.completed'])
      assert.ok(
        trail.some((r) => r.action === action),
        `${action} in ${trail.map((r) => r.action)}`,
      );
    const refused = await h.bot.store.audit.list({ actorId: users.alex.id });
    assert.ok(refused.some((r) => r.action === 'release.confirm.refused' && r.outcome === 'refused'));

    const auditPosts = h.connector.messages(team.audit).filter((c) => c.method === 'POST');
    assert.equal(auditPosts.length, 1, h.connector.describe());
    assert.match(cardText(firstCard(auditPosts[0]!.body)), /Environment Maker role in Contoso Dev/);
    assert.equal(
      h.connector.messages(team.approvals).filter((c) => c.method === 'POST').length,
      0,
      'nothing to approve',
    );
    // The confirmation card itself became the release's card and now shows it done.
    const edits = h.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === call.id);
    assert.ok(edits.length > 0, h.connector.describe());
    assert.match(cardText(firstCard(edits.at(-1)!.body)), /Completed/);
    // "Who decides?" on the release: nobody, for the maker and for an admin alike (no rule of the policy file applies).
    const mine = await h.invoke(
      users.adele,
      'why',
      { requestId: release.id },
      { conversationId: h.personalConversationId(users.adele) },
    );
    assert.match(bodyText(mine), /Nobody had to decide: giving up your own access needs no approval\./);
    const admin = await h.invoke(
      users.megan,
      'why',
      { requestId: release.id },
      { conversationId: h.personalConversationId(users.megan) },
    );
    assert.match(bodyText(admin), /self-release/);
    assert.doesNotMatch(bodyText(admin), /✘/, 'no policy rule is weighed for a release');
    const told = h.connector
      .messages(h.personalConversationId(users.adele))
      .filter(
        (c) => c.method === 'POST' && /no longer hold the Environment Maker role/.test(cardText(firstCard(c.body))),
      );
    assert.equal(told.length, 1, h.connector.describe());
  });

  it('says plainly when there is nothing to give up, and files nothing', async () => {
    const replies = await h.say(users.alex, 'please remove my maker role in Finance Sandbox');
    assert.match(
      String(replies[0]?.text),
      /You don't hold the Environment Maker role in Finance Sandbox.*not changed anything/,
    );
    assert.ok(!JSON.stringify(replies).includes('confirmRelease'), 'no confirmation card');
    const everyone = await h.say(users.alex, 'remove my maker role in Contoso (default)');
    assert.match(String(everyone[0]?.text), /Every licensed user is an Environment Maker in the default environment/);
    const none = await h.say(users.alex, 'end my Dropbox exception early');
    assert.match(String(none[0]?.text), /no connector exception for Dropbox in force/);
    assert.deepEqual(await h.bot.store.requests.list(), []);
  });

  /** Alex gets Dropbox in Contoso Dev for 2 weeks as a narrow exception, approved on the card. */
  async function dropboxException(
    environmentId: string = envs.contosoDev,
    scope: 'exception' | 'tenant-wide' = 'exception',
  ) {
    await meetBot(h);
    const details = readyDetails(
      await createRequestPreparer(h.bot.tenant).connectorUnblock({
        requesterId: users.alex.id,
        environmentId,
        connectorId: 'shared_dropbox',
      }),
    );
    const endsAt = new Date(T0 + (durationMs('P2W') ?? 0)).toISOString();
    const filed = await h.bot.service.file({ requesterId: users.alex.id, details, grantEndsAt: endsAt });
    assert.equal(filed.kind, 'filed');
    const id = filed.kind === 'filed' ? filed.request.id : '';
    const post = h.connector
      .messages(team.approvals)
      .find((c) => c.method === 'POST' && cardText(firstCard(c.body)).includes(id));
    await approveFully(h, post ?? (await approvalPost(h)), { requestId: id, revision: 0, scope });
    await h.settle();
    assert.equal((await h.bot.store.requests.get(id))?.status, 'completed');
    return { id, endsAt };
  }

  it('ends a connector exception early; the original request shows it, and its scheduled end stays quiet', async () => {
    const before = (await h.bot.tenant.listDlpPolicies()).map((p) => p.name).sort();
    const { id, endsAt } = await dropboxException();
    assert.ok((await h.bot.tenant.listDlpPolicies()).some((p) => p.displayName === EXCEPTION_NAME));

    const { call, offerId } = await offered(users.alex, 'end my Dropbox exception early');
    assert.match(cardText(firstCard(call.body)), /End your Dropbox exception in Contoso Dev now\?/);
    assert.match(cardText(firstCard(call.body)), new RegExp(id));
    // Two presses at the same moment (a double click reaching two turns at once): one release.
    const both = await Promise.all([
      press(users.alex, users.alex, 'confirmRelease', offerId, call.id),
      press(users.alex, users.alex, 'confirmRelease', offerId, call.id),
    ]);
    assert.deepEqual(
      both.map((r) => /Confirmed\./.test(bodyText(r))).sort(),
      [false, true],
      both.map(bodyText).join('\n---\n'),
    );
    await h.settle();
    assert.equal((await h.bot.store.requests.list({ type: 'release' })).length, 1);

    const policies = await h.bot.tenant.listDlpPolicies();
    assert.deepEqual(policies.map((p) => p.name).sort(), before, 'the exception policy is gone');
    assert.equal(effectiveClassification(policies, envs.contosoDev, 'shared_dropbox').classification, 'Blocked');
    const deletes = h.bot.simulator?.state.requests.filter(
      (r) => r.method === 'DELETE' && r.path.includes('/policies/'),
    );
    assert.equal(deletes?.length, 1, 'the exception policy was deleted exactly once');

    const grant = await h.bot.store.requests.get(id);
    assert.equal(grant?.status, 'revoked');
    const release = (await h.bot.store.requests.list({ type: 'release' }))[0];
    assert.equal(release?.status, 'completed', JSON.stringify(release?.execution.error));
    assert.equal(grant?.endedEarly?.by, release?.id);
    assert.ok((await h.bot.store.audit.list({ requestId: id })).some((r) => r.action === 'grant.ended-early'));
    const told = h.connector
      .messages(h.personalConversationId(users.alex))
      .filter(
        (c) => c.method === 'POST' && new RegExp(`Your request ${id} ended early`).test(cardText(firstCard(c.body))),
      );
    assert.equal(told.length, 1, h.connector.describe());
    assert.match(cardText(firstCard(told[0]!.body)), new RegExp(`you gave this access up \\(${release?.id}\\)`));
    const auditPosts = h.connector
      .messages(team.audit)
      .filter((c) => c.method === 'POST')
      .map((c) => cardText(firstCard(c.body)));
    assert.ok(
      auditPosts.some((t) => t.includes(id) && /ended early/.test(t)),
      auditPosts.join('\n---\n'),
    );

    // The grant's end comes: nothing runs again, nothing fails, nobody is asked to act.
    const writesBefore = h.bot.simulator?.state.requests.filter((r) => r.method !== 'GET').length;
    now = Date.parse(endsAt) + 60_000;
    await h.settle();
    assert.equal(h.bot.simulator?.state.requests.filter((r) => r.method !== 'GET').length, writesBefore);
    const trail = await h.bot.store.audit.list({ requestId: id });
    assert.deepEqual(
      trail.filter((r) => r.action.startsWith('grant.revert')).map((r) => r.action),
      [],
      'no revert ran or failed',
    );
    assert.ok(!h.connector.describe().includes('Action needed'));
    assert.equal((await h.bot.store.requests.get(id))?.status, 'revoked');
  });

  it('ends an exception early but leaves Dropbox allowed while another maker’s grant still needs it', async () => {
    const before = (await h.bot.tenant.listDlpPolicies()).map((p) => p.name).sort();
    // Adele asked while Dropbox was still blocked; her request is decided after Alex's exception exists.
    await meetBot(h, users.adele);
    const adeleAsks = readyDetails(
      await createRequestPreparer(h.bot.tenant).connectorUnblock({
        requesterId: users.adele.id,
        environmentId: envs.contosoDev,
        connectorId: 'shared_dropbox',
      }),
    );
    const { id: a } = await dropboxException();
    const bEnds = new Date(T0 + (durationMs('P4W') ?? 0)).toISOString();
    const filed = await h.bot.service.file({ requesterId: users.adele.id, details: adeleAsks, grantEndsAt: bEnds });
    assert.equal(filed.kind, 'filed');
    const b = filed.kind === 'filed' ? filed.request.id : '';
    await h.settle();
    const post = h.connector
      .messages(team.approvals)
      .find((c) => c.method === 'POST' && cardText(firstCard(c.body)).includes(b));
    assert.ok(post, h.connector.describe());
    await approveFully(h, post, { requestId: b, revision: 0, scope: 'exception' });
    await h.settle();
    assert.equal((await h.bot.store.requests.get(b))?.status, 'completed');

    const dlpWrites = () =>
      h.bot.simulator?.state.requests.filter((r) => r.method !== 'GET' && r.path.includes('/policies')).length ?? 0;
    const writes = dlpWrites();
    const { call, offerId } = await offered(users.alex, 'end my Dropbox exception early');
    // The confirmation already says Dropbox stays allowed, and names the grant that ends as a grant.
    const confirm = cardText(firstCard(call.body));
    assert.match(confirm, /Dropbox stays allowed in Contoso Dev/);
    assert.doesNotMatch(confirm, /will be blocked/);
    assert.match(confirm, new RegExp(`Grant\\W+${a}`));
    await press(users.alex, users.alex, 'confirmRelease', offerId, call.id);
    await h.settle();
    const release = (await h.bot.store.requests.list({ type: 'release' }))[0];
    assert.equal(release?.status, 'completed', JSON.stringify(release?.execution.error));
    assert.equal((await h.bot.store.requests.get(a))?.endedEarly?.by, release?.id);
    assert.equal(dlpWrites(), writes, 'no DLP write while Adele’s grant is active');
    const policies = await h.bot.tenant.listDlpPolicies();
    assert.notEqual(effectiveClassification(policies, envs.contosoDev, 'shared_dropbox').classification, 'Blocked');
    assert.deepEqual(release?.execution.result?.steps, [
      `left in place: ${b} still holds Dropbox in Contoso Dev until ${bEnds.slice(0, 10)}`,
    ]);
    // Alex's card says why Dropbox is still allowed, without naming Adele's request.
    const edits = h.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === call.id);
    const shown = edits.map((c) => cardText(firstCard(c.body))).join('\n');
    assert.match(shown, /Dropbox stays allowed in Contoso Dev because another request still needs it/);
    assert.doesNotMatch(shown, new RegExp(b));

    // Adele's grant ends: now the exception goes, and the policies are as before both grants.
    now = Date.parse(bEnds) - 60_000;
    await h.settle();
    now = Date.parse(bEnds);
    await h.settle();
    assert.equal((await h.bot.store.requests.get(b))?.status, 'revoked');
    const after = await h.bot.tenant.listDlpPolicies();
    assert.deepEqual(after.map((p) => p.name).sort(), before, 'the exception policy is gone');
    assert.equal(effectiveClassification(after, envs.contosoDev, 'shared_dropbox').classification, 'Blocked');
  });

  it('explains that a tenant-wide unblock is not the maker’s to end, and files nothing', async () => {
    const { id } = await dropboxException(envs.contosoDev, 'tenant-wide');
    const writes = h.bot.simulator?.state.requests.filter((r) => r.method !== 'GET').length;
    const conversationId = h.personalConversationId(users.alex);
    const before = h.connector.messages(conversationId).length;
    await h.say(users.alex, 'end my Dropbox exception early');
    const reply = h.connector
      .messages(conversationId)
      .slice(before)
      .map((c) => `${c.body.text ?? ''}`)
      .join('\n');
    assert.match(reply, new RegExp(`${id} unblocked Dropbox tenant-wide`));
    assert.match(reply, /a Power Platform admin/);
    assert.match(reply, /I have not changed anything\./);
    assert.equal((await h.bot.store.requests.list({ type: 'release' })).length, 0);
    assert.equal(h.bot.simulator?.state.requests.filter((r) => r.method !== 'GET').length, writes);
  });

  it('asks which exception when the maker holds several, and offers only the one named next', async () => {
    await dropboxException(envs.contosoDev);
    await dropboxException(envs.marketingSandbox);
    const replies = await h.say(users.alex, 'end my Dropbox exception early');
    const question = String(replies[0]?.text);
    assert.match(question, /more than one.*Which one should I end\?/s);
    assert.match(question, /\d\. the Dropbox exception in Contoso Dev/);
    assert.match(question, /\d\. the Dropbox exception in Marketing Sandbox/);
    assert.ok(!JSON.stringify(replies).includes('confirmRelease'), 'no confirmation before it is clear which');
    const { call } = await offered(users.alex, 'end my Dropbox exception in Marketing Sandbox');
    assert.match(cardText(firstCard(call.body)), /End your Dropbox exception in Marketing Sandbox now\?/);
    assert.equal((await h.bot.store.requests.list({ type: 'release' })).length, 0);
  });

  it('in a group chat, the confirmed card there follows the release to its end, without the email', async () => {
    const GROUP = '19:group-chat-of-adele-and-alex@thread.v2';
    await h.personal(users.adele, 'hi'); // the bot knows her personal chat too
    const res = await h.group(users.adele, GROUP, 'remove my maker role in Contoso Dev');
    assert.equal(res.status, 200);
    const call = await h.connector.waitFor((calls) =>
      calls.find((c) => c.conversationId === GROUP && c.method === 'POST' && c.body.type === 'message'),
    );
    const offerId = (JSON.stringify(call.body).match(/"offerId":"([0-9a-f-]{36})"/) ?? [])[1];
    assert.ok(offerId, h.connector.describe());
    const confirmed = await h.invoke(
      users.adele,
      'confirmRelease',
      { offerId },
      { conversationId: GROUP, replyToId: call.id, groupChat: true },
    );
    assert.equal(confirmed.status, 200);
    await h.settle();
    assert.equal((await h.bot.store.requests.list({ type: 'release' }))[0]?.status, 'completed');
    // The card in the group chat is edited there (not an edit of that id sent to her personal chat) and reads done.
    const misdirected = h.connector.calls.filter(
      (c) => c.method === 'PUT' && c.activityId === call.id && c.conversationId !== GROUP,
    );
    assert.deepEqual(
      misdirected.map((c) => c.conversationId),
      [],
    );
    const edits = h.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === call.id);
    assert.ok(edits.length > 0, h.connector.describe());
    const last = cardText(firstCard(edits.at(-1)!.body));
    assert.match(last, /Completed/);
    assert.doesNotMatch(last, /Email|@/, 'others read the group chat: no email');
  });

  it('"Keep it" after the release was confirmed says it was confirmed, not that nothing changed', async () => {
    // Kept first: a late confirm of that card files nothing.
    const other = await offered(users.adele, 'please remove my maker role in Contoso Dev');
    const keep = await press(users.adele, users.adele, 'keepAccess', other.offerId, other.call.id);
    assert.match(bodyText(keep), /You keep your access/);
    const late = await press(users.adele, users.adele, 'confirmRelease', other.offerId, other.call.id);
    assert.doesNotMatch(bodyText(late), /Confirmed/);
    assert.equal((await h.bot.store.requests.list({ type: 'release' })).length, 0);

    const { call, offerId } = await offered(users.adele, 'please remove my maker role in Contoso Dev');
    const first = await press(users.adele, users.adele, 'confirmRelease', offerId, call.id);
    assert.match(bodyText(first), /Confirmed\. I am removing it now/);
    // A second device still showing the confirmation card, or a replayed invoke.
    const kept = await press(users.adele, users.adele, 'keepAccess', offerId, call.id);
    assert.doesNotMatch(bodyText(kept), /You keep your access|not changed anything/);
    assert.match(bodyText(kept), /You already confirmed this: REQ-\d+/);
    await h.settle();
    assert.equal((await h.bot.store.requests.list({ type: 'release' }))[0]?.status, 'completed');
  });
});
