// Two-person approval over the Bot Framework protocol: a Production request needs an admin and then a
// senior approver, every separation-of-duties refusal is enforced from stored state, two approvers clicking
// at the same moment give one decision per stage, and each reader gets their own view of the channel card.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Harness, type InvokeResponseBody, setUpChannels, startHarness } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { envs, groups, team, users } from '../support/fixture-ids.js';

type User = { id: string; name: string };

describe('conversation: two-stage approval', () => {
  let h: Harness;
  let now: number;
  const clock = () => new Date(now);

  async function boot(env: Record<string, string> = {}) {
    now = Date.parse('2026-11-30T09:00:00Z');
    h = await startHarness({ clock, kickWorkers: false, env });
    await setUpChannels(h);
  }
  afterEach(async () => {
    await h?.stop();
  });

  async function ask(user: User, environmentId: string) {
    await h.personal(user, 'help'); // the bot learns the personal conversation, as after installing the app
    const env = await h.bot.tenant.getEnvironment(environmentId);
    assert.ok(env);
    const result = await h.bot.service.file({
      requesterId: user.id,
      details: { type: 'maker-role', environment: env },
    });
    assert.equal(result.kind, 'filed');
    await h.settle();
    return result.kind === 'filed' ? result.request.id : '';
  }

  const approvalPost = (requestId: string) =>
    h.connector
      .messages(team.approvals)
      .find((c) => c.method === 'POST' && cardText(firstCard(c.body)).includes(requestId));

  async function click(user: User, verb: string, requestId: string, revision: number) {
    const post = approvalPost(requestId);
    assert.ok(post, `approval card of ${requestId} posted`);
    return h.invoke(
      user,
      verb,
      { requestId, revision },
      { conversationId: team.approvals, channelId: team.approvals, replyToId: post.id },
    );
  }

  const refusals = async (requestId: string) =>
    (await h.bot.store.audit.list({ requestId })).filter((r) => r.outcome === 'refused').map((r) => r.details?.code);

  it('needs an admin, then a different senior approver, refusing every separation-of-duties breach', async () => {
    await boot();
    const id = await ask(users.alex, envs.itTools); // IT Tools is a Production environment
    const filed = await h.bot.store.requests.get(id);
    assert.equal(filed?.routing?.ruleId, 'production-two-person');
    assert.deepEqual(
      filed?.stages.map((s) => s.groupId),
      [groups.admins, groups.senior],
    );
    const card = firstCard(approvalPost(id)?.body ?? {});
    assert.match(cardText(card), /stage 1 of 2/);
    const actions = (card?.actions ?? []) as { title?: string }[];
    assert.match(String(actions[0]?.title), /Approve \(Admin approval\)/);

    // The requester can never approve; a non-member of the stage's group neither.
    assert.match(cardText((await click(users.alex, 'approve', id, 0)).body.value), /someone else has to decide/);
    assert.match(
      cardText((await click(users.lidia, 'approve', id, 0)).body.value),
      /can't find REQ-\d+ among the requests you can see/,
    );

    const first = await click(users.megan, 'approve', id, 0);
    assert.match(cardText(first.body.value), /now needs the next stage/);
    let stored = await h.bot.store.requests.get(id);
    assert.equal(stored?.status, 'pending');
    assert.deepEqual(
      stored?.decisions.map((d) => [d.approver.id, d.stage]),
      [[users.megan.id, 0]],
    );

    // Stage 2 belongs to the senior approvers: an admin who is not one is refused, a stale card too.
    assert.match(
      cardText((await click(users.nestor, 'approve', id, 1)).body.value),
      /Only members of Power Platform Senior Approvers/,
    );
    assert.match(cardText((await click(users.patti, 'approve', id, 0)).body.value), /out of date/);

    const second = await click(users.patti, 'approve', id, 1);
    assert.match(cardText(second.body.value), /Approved by Patti Fernandez/);
    await h.settle();
    stored = await h.bot.store.requests.get(id);
    assert.equal(stored?.status, 'completed');
    assert.deepEqual(
      stored?.decisions.map((d) => [d.approver.displayName, d.stage]),
      [
        ['Megan Bowen', 0],
        ['Patti Fernandez', 1],
      ],
    );
    assert.deepEqual(await refusals(id), ['SELF_APPROVAL', 'NOT_FOUND_OR_NOT_YOURS', 'NOT_AN_APPROVER', 'STALE_CARD']);

    const trail = await h.bot.store.audit.list({ requestId: id });
    const out = process.env.TWO_STAGE_AUDIT_OUT;
    if (out) writeFileSync(join(out), JSON.stringify(trail, null, 2));
    assert.deepEqual(
      trail
        .filter((r) => r.outcome !== 'refused')
        .map((r) => r.action)
        .filter((a) => a.startsWith('request.')),
      ['request.created', 'request.approved', 'request.approved'],
    );
    // No reminder or expiry outlives the decision.
    const live = (await h.bot.store.jobs.list({ status: 'pending' })).filter((j) =>
      j.dedupeKey?.startsWith(`pending:${id}:`),
    );
    assert.deepEqual(live, []);
  });

  it('never lets one person fill two stages, nor approve their own request', async () => {
    await boot();
    const id = await ask(users.alex, envs.itTools);
    await click(users.patti, 'approve', id, 0); // Patti is both an admin and a senior approver
    assert.match(cardText((await click(users.patti, 'approve', id, 1)).body.value), /You already approved/);
    const own = await ask(users.nestor, envs.itTools); // an approver asking for themselves
    assert.match(cardText((await click(users.nestor, 'approve', own, 0)).body.value), /someone else has to decide/);
    assert.deepEqual(await refusals(id), ['ALREADY_APPROVED_BY_YOU']);
    assert.deepEqual(await refusals(own), ['SELF_APPROVAL']);
  });

  it('tells an approver who clicks an old card what is true, not to decide again on a card without buttons', async () => {
    await boot();
    const id = await ask(users.alex, envs.itTools);
    const verbs = (res: { body: InvokeResponseBody }) =>
      ((res.body.value?.actions ?? []) as { verb?: string }[]).map((a) => a.verb);
    assert.match(cardText((await click(users.patti, 'approve', id, 0)).body.value), /now needs the next stage/);

    // Patti clicks Approve again on the card she had (revision 0): she already filled stage 1.
    const again = await click(users.patti, 'approve', id, 0);
    const text = cardText(again.body.value);
    assert.match(
      text,
      new RegExp(`You already approved ${id}; it waits for another approver from Power Platform Senior Approvers`),
    );
    assert.doesNotMatch(text, /decide again/);
    assert.ok(!verbs(again).includes('approve'), verbs(again).join());

    // Nestor's card was stage 1's too: stage 2 is not his to decide, and he is told so.
    const nestor = await click(users.nestor, 'approve', id, 0);
    assert.match(
      cardText(nestor.body.value),
      /out of date .* Only members of Power Platform Senior Approvers can decide/s,
    );
    assert.doesNotMatch(cardText(nestor.body.value), /decide again/);
    assert.ok(!verbs(nestor).includes('approve'), verbs(nestor).join());
    assert.deepEqual(await refusals(id), ['ALREADY_APPROVED_BY_YOU', 'NOT_AN_APPROVER']);
    assert.equal((await h.bot.store.requests.get(id))?.decisions.length, 1);
  });

  it("bars the environment's creator and admins when the rule says so", async () => {
    const dir = await import('node:fs').then((fs) => fs.mkdtempSync(join(process.env.TMPDIR ?? '/tmp', 'policy-')));
    const file = join(dir, 'policy.yaml');
    writeFileSync(
      file,
      `version: 1
groups:
  admins: { id: ${groups.admins}, name: Power Platform Admins }
rules:
  - id: marketing-owner-conflict
    description: Marketing environments are approved by an admin who does not own them.
    when: { environment: { name: "Marketing*" } }
    route:
      outcome: require-approval
      stages: [{ name: Admin approval, group: admins }]
      barEnvironmentOwners: true
fallback:
  description: One admin.
  stages: [{ name: Admin approval, group: admins }]
`,
    );
    await boot({ POLICY_FILE: file });
    const id = await ask(users.alex, envs.marketingSandbox); // created by Nestor, who is its Environment Admin
    assert.match(cardText((await click(users.nestor, 'approve', id, 0)).body.value), /bars the environment's creator/);
    assert.match(cardText((await click(users.megan, 'approve', id, 0)).body.value), /Approved by Megan Bowen/);
    assert.deepEqual(await refusals(id), ['OWNER_CONFLICT']);
  });

  it('gives one decision per stage when two approvers click at the same moment', async () => {
    await boot();
    const id = await ask(users.alex, envs.itTools);
    const [a, b] = await Promise.all([click(users.megan, 'approve', id, 0), click(users.nestor, 'approve', id, 0)]);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    const stored = await h.bot.store.requests.get(id);
    assert.equal(stored?.decisions.length, 1, 'exactly one approval recorded for stage 1');
    assert.equal(stored?.status, 'pending');
    const texts = [cardText(a.body.value), cardText(b.body.value)];
    assert.equal(texts.filter((t) => /now needs the next stage/.test(t)).length, 1, texts.join('\n---\n'));
    assert.equal(
      texts.filter((t) => /out of date|decided by someone else|already/.test(t)).length,
      1,
      texts.join('\n---\n'),
    );
    const approvals = (await h.bot.store.audit.list({ requestId: id })).filter((r) => r.action === 'request.approved');
    assert.equal(approvals.length, 1);
  });

  it('shows each reader their own view: approvers of the current stage, the requester, everyone else', async () => {
    await boot();
    const id = await ask(users.alex, envs.itTools);
    const card = firstCard(approvalPost(id)?.body ?? {}) as {
      refresh?: { userIds?: string[] };
      actions?: { verb?: string }[];
    };
    // The base card keeps Approve/Reject (clients that do not refresh); refresh lists requester + stage 1 approvers,
    // by the Teams user id (MRI, from.id) of those the bot has heard from, else by their Entra object id.
    assert.ok(card.actions?.some((a) => a.verb === 'approve'));
    assert.deepEqual(
      new Set(card.refresh?.userIds),
      new Set([`29:${users.alex.id}`, `29:${users.megan.id}`, users.nestor.id, users.patti.id]),
    );

    const verbs = (res: { body: InvokeResponseBody }) =>
      ((res.body.value?.actions ?? []) as { verb?: string }[]).map((a) => a.verb);
    assert.ok(verbs(await click(users.megan, 'refresh', id, 0)).includes('approve'));
    const mine = verbs(await click(users.alex, 'refresh', id, 0));
    assert.ok(mine.includes('cancel') && !mine.includes('approve'), mine.join());
    const other = verbs(await click(users.lidia, 'refresh', id, 0));
    assert.ok(!other.includes('approve') && !other.includes('cancel'), other.join());
    // A reader's refresh answers that reader only: the channel message itself is not edited.
    assert.equal(h.connector.calls.filter((c) => c.method === 'PUT').length, 0);

    await click(users.megan, 'approve', id, 0);
    await h.settle();
    // Stage 2: only the senior approver (and the requester) get the acting view.
    const update = h.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === approvalPost(id)?.id).at(-1);
    const updated = firstCard(update?.body ?? {}) as { refresh?: { userIds?: string[] } };
    assert.deepEqual(new Set(updated.refresh?.userIds), new Set([`29:${users.alex.id}`, users.patti.id]));
    assert.ok(!verbs(await click(users.megan, 'refresh', id, 1)).includes('approve'));
    assert.ok(verbs(await click(users.patti, 'refresh', id, 1)).includes('approve'));
  });

  it('explains the routing on the "why?" button', async () => {
    await boot();
    const id = await ask(users.alex, envs.itTools);
    // The rule trace is for approvers; someone who is neither approver nor requester sees none of it.
    const outsider = cardText((await click(users.lidia, 'why', id, 0)).body.value);
    assert.doesNotMatch(outsider, /production-two-person|✘|decide/);
    const text = cardText((await click(users.megan, 'why', id, 0)).body.value);
    assert.match(text, /Power Platform Admins, then .* decide: /);
    assert.match(text, /Rule "production-two-person"/);
    assert.match(text, /✘ developer-environment-for-self: type is maker-role/);
    assert.match(text, /✔ production-two-person: environment type is Production/);
  });

  it('tells the requester in one sentence who decides, why and how long it takes, without the rule trace', async () => {
    await boot();
    const id = await ask(users.alex, envs.itTools);
    const card = (await click(users.alex, 'why', id, 0)).body.value;
    const text = cardText(card);
    const sentence = /[^\n]*decide[^\n]*/.exec(text)?.[0] ?? '';
    assert.match(sentence, /^Power Platform Admins, then [^:]+ decide: [^;]+; they are reminded after \d+ hours/);
    assert.equal(sentence.match(/\. |\.$/g)?.length, 1, `one sentence: ${sentence}`);
    assert.doesNotMatch(text, /✘|✔|Rules considered|production-two-person|rule wants/);
  });
});
