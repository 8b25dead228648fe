// Over the Bot Framework protocol: a reason is never dropped silently (issue 10 part 5). A request touching a
// Production environment (a new one included) is filed only with a reason: when the maker gave none, the bot asks
// and files nothing until it comes (policy file `requireReasonFor`, on by default). A reason given, in the first
// message or a later one, is stored as the request's justification.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { envs, users } from '../support/fixture-ids.js';

const textOf = (reply: Record<string, unknown> | undefined) =>
  `${reply?.text ?? ''} ${cardText(firstCard(reply ?? {}))}`;

describe('conversation: a reason is asked for before filing a Production request, never dropped', () => {
  let h: Harness;
  let dir: string | undefined;
  async function boot(env: Record<string, string> = {}) {
    h = await startHarness({ env });
    await setUpChannels(h);
  }
  afterEach(async () => {
    await h.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const mine = (user: { id: string }) => h.bot.store.requests.list({ requesterId: user.id });

  it('maker role in a Production environment without a reason: asks why, files with the answer as justification', async () => {
    await boot();
    const [question] = await h.say(users.alex, 'I need the maker role in IT Tools');
    assert.match(textOf(question), /why do you need it\? It touches a Production environment/);
    assert.match(textOf(question), /Nothing is filed until then/);
    assert.deepEqual(await mine(users.alex), [], 'nothing filed without a reason');

    await h.say(users.alex, 'to automate the helpdesk ticket triage for the service desk');
    const [request] = await mine(users.alex);
    assert.equal(request?.details.type === 'maker-role' && request.details.environment.id, envs.itTools);
    assert.match(request?.justification ?? '', /automate the helpdesk ticket triage for the service desk/);
    assert.equal(request?.routing?.ruleId, 'production-two-person');
  });

  it('a reason given up front is stored and nothing more is asked', async () => {
    await boot();
    const replies = await h.say(
      users.alex,
      'maker role in Finance Production because I maintain the invoice approval flow',
    );
    assert.doesNotMatch(replies.map(textOf).join(' '), /why do you need it/);
    const [request] = await mine(users.alex);
    assert.equal(request?.justification, 'I maintain the invoice approval flow');
  });

  it('a reason given in a later answer is kept ("Finance Production, we need it for …")', async () => {
    await boot();
    const [which] = await h.say(users.alex, 'maker role in finance please');
    assert.match(textOf(which), /Which environment/);
    const replies = await h.say(users.alex, 'Finance Production, we need it for the quarterly close automation');
    assert.doesNotMatch(replies.map(textOf).join(' '), /why do you need it/);
    const [request] = await mine(users.alex);
    assert.match(request?.justification ?? '', /quarterly close automation/);
  });

  it('a new Production environment without a reason: asked, then filed with it (also as its description)', async () => {
    await boot();
    const [question] = await h.say(
      users.adele,
      'I need a new production environment called Payroll Live in Europe, no Dataverse',
    );
    assert.match(textOf(question), /why do you need it\?/);
    assert.deepEqual(await mine(users.adele), []);
    await h.say(users.adele, 'The payroll team moves its leave approvals app to production next month');
    const [request] = await mine(users.adele);
    assert.equal(request?.details.type, 'new-environment');
    assert.match(request?.justification ?? '', /leave approvals app/);
    assert.match((request?.details.type === 'new-environment' && request.details.description) || '', /leave approvals/);
  });

  it('after a confirmation card too: "Confirm" asks why before anything is filed', async () => {
    await boot();
    const [summary] = await h.say(users.alex, 'maker role in finanse production');
    const card = firstCard(summary ?? {});
    assert.match(cardText(card), /Is this what you want\?/);
    const confirm = JSON.stringify(card).includes('confirmDraft');
    assert.ok(confirm, 'a Confirm button');
    const draftId = /"draftId":"([^"]+)"/.exec(JSON.stringify(card))?.[1];
    const res = await h.invoke(
      users.alex,
      'confirmDraft',
      { draftId },
      { conversationId: h.personalConversationId(users.alex) },
    );
    assert.equal(res.status, 200);
    assert.match(cardText(res.body.value), /One more question/);
    assert.deepEqual(await mine(users.alex), []);
    await h.say(users.alex, 'we rebuild the expense claims flow there');
    const [request] = await mine(users.alex);
    assert.match(request?.justification ?? '', /expense claims flow/);
  });

  it('a Sandbox request without a reason is filed at once (the setting covers Production and tenant-wide)', async () => {
    await boot();
    const replies = await h.say(users.alex, 'maker role in Marketing Sandbox');
    assert.doesNotMatch(replies.map(textOf).join(' '), /why do you need it/);
    assert.equal((await mine(users.alex)).length, 1);
  });

  it('requireReasonFor: [] in the policy file turns it off', async () => {
    dir = mkdtempSync(join(tmpdir(), 'govbot-reason-'));
    const file = join(dir, 'policy.yaml');
    const policy = readFileSync(join(import.meta.dirname, '../../policy/approval-policy.yaml'), 'utf8');
    assert.match(policy, /^requireReasonFor: \[production, tenant-wide\]$/m, 'the default policy asks for reasons');
    writeFileSync(file, policy.replace(/^requireReasonFor: .*$/m, 'requireReasonFor: []'));
    await boot({ POLICY_FILE: file });
    await h.say(users.alex, 'I need the maker role in IT Tools');
    assert.equal((await mine(users.alex)).length, 1);
  });

  it('while the bot waits for a reason or an environment, a question or a release is answered, never filed', async () => {
    await boot();
    await h.say(users.alex, 'I need the maker role in IT Tools');
    // A status question is not the reason.
    await h.say(users.alex, 'status of my maker role request?');
    // A hypothetical names Contoso Dev: it is answered as a dry run, not read as the reason.
    const [dry] = await h.say(users.alex, 'if I asked for Dropbox in Contoso Dev, who would approve?');
    assert.match(textOf(dry), /If you asked for Dropbox in Contoso Dev .*I have not filed anything/s);
    assert.deepEqual(await mine(users.alex), [], 'nothing filed without a reason');

    // The ask-back for an environment that does not exist: a question or a release naming another is no choice.
    const [ask] = await h.say(users.adele, 'maker role in Marketing Production');
    assert.match(textOf(ask), /couldn't find an environment called "Marketing Production"/);
    await h.say(users.adele, 'if I asked for the maker role in Contoso Test, who would approve?');
    const [release] = await h.say(users.adele, 'remove my maker role in Contoso Dev');
    assert.match(textOf(release), /Give up the Environment Maker role in Contoso Dev\?/);
    assert.deepEqual(await mine(users.adele), [], 'no maker role filed from a question or a release');

    // The drafts still wait: the reason and the choice file them.
    await h.say(users.alex, 'to automate the helpdesk ticket triage for the service desk');
    assert.match((await mine(users.alex))[0]?.justification ?? '', /helpdesk ticket triage/);
  });
});
