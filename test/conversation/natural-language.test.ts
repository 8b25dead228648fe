// Step 3 over the Bot Framework protocol: makers ask in their own words; the bot asks back with choice cards
// (or takes a text answer), accepts corrections, confirms when unsure, and files only what the user meant.
import assert from 'node:assert/strict';
import { type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { actionsOf, cardText, firstCard } from '../support/connector-double.js';
import { envs, users } from '../support/fixture-ids.js';

describe('conversation: natural language', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await setUpChannels(h);
  });
  afterEach(async () => {
    await h.stop();
  });

  const conv = (u: { id: string }) => h.personalConversationId(u as never);

  const say = (user: { id: string; name: string }, text: string, expected = 1) => h.say(user, text, expected);

  async function click(
    user: { id: string; name: string },
    action: { verb?: string; data?: Record<string, unknown> } | undefined,
  ) {
    assert.ok(action?.verb, 'a button to click');
    const res = await h.invoke(user, action.verb, action.data, { conversationId: conv(user) });
    assert.equal(res.status, 200);
    return res.body;
  }

  const textOf = (body: Record<string, unknown>) => `${body.text ?? ''} ${cardText(firstCard(body))}`;

  it('asks which environment when two match, then files the one clicked', async () => {
    const [question] = await say(
      users.alex,
      'hey, could I get maker rights on the finance environment? need to build the budget app',
    );
    assert.ok(question);
    const card = firstCard(question);
    assert.match(cardText(card), /Which environment/);
    const options = actionsOf(card).filter((a) => a.verb === 'chooseOption');
    assert.deepEqual(options.map((o) => o.title).sort(), ['1. Finance Production', '2. Finance Sandbox'].sort());
    assert.equal(await h.bot.store.requests.get('REQ-1001'), undefined, 'nothing filed on a guess');

    const before = h.connector.messages(conv(users.alex)).length;
    const sandbox = options.find((o) => /Finance Sandbox/.test(o.title ?? ''));
    const answer = await click(users.alex, sandbox);
    assert.match(cardText(answer.value), /You chose Finance Sandbox/);
    const stored = await h.bot.store.requests.get('REQ-1001');
    assert.equal(stored?.details.type === 'maker-role' && stored.details.environment.id, envs.financeSandbox);
    assert.match(stored?.justification ?? '', /budget app/);
    const receipt = h.connector
      .messages(conv(users.alex))
      .slice(before)
      .find((c) => /REQ-1001/.test(cardText(firstCard(c.body))));
    assert.ok(receipt, 'receipt card sent');

    // The same button again files nothing more.
    const again = await click(users.alex, sandbox);
    assert.match(cardText(again.value), /no longer open/);
    assert.equal(await h.bot.store.requests.get('REQ-1002'), undefined);
  });

  it('takes a text answer to its question ("the sandbox one")', async () => {
    const [q] = await say(users.alex, 'maker role in finance pls');
    assert.match(cardText(firstCard(q!)), /Which environment/);
    const replies = await say(users.alex, 'the sandbox one');
    assert.ok(
      replies.some((r) => /REQ-1001/.test(textOf(r))),
      replies.map(textOf).join('\n'),
    );
    const stored = await h.bot.store.requests.get('REQ-1001');
    assert.equal(stored?.details.type === 'maker-role' && stored.details.environment.displayName, 'Finance Sandbox');
  });

  it('accepts a correction to the pending draft ("no, I meant Finance Sandbox")', async () => {
    const [q] = await say(users.alex, 'unblock dropbox in contoso');
    assert.match(cardText(firstCard(q!)), /Which environment/);
    const replies = await say(users.alex, 'no, I meant Finance Sandbox');
    assert.ok(
      replies.some((r) => /REQ-1001/.test(textOf(r))),
      replies.map(textOf).join('\n'),
    );
    const stored = await h.bot.store.requests.get('REQ-1001');
    assert.equal(stored?.details.type, 'connector-unblock');
    assert.equal(
      stored?.details.type === 'connector-unblock' && stored.details.environment.displayName,
      'Finance Sandbox',
    );
    assert.equal(stored?.details.type === 'connector-unblock' && stored.details.connector.name, 'shared_dropbox');
  });

  it('shows a summary with Confirm / Change when it corrected a typo, and files only on Confirm', async () => {
    const [summary] = await say(users.alex, 'maker role in finanse sandbox');
    const card = firstCard(summary!);
    assert.match(cardText(card), /Is this what you want\?/);
    assert.match(cardText(card), /Finance Sandbox \(my best guess\)/);
    assert.equal(await h.bot.store.requests.get('REQ-1001'), undefined);
    const verbs = actionsOf(card).map((a) => a.verb);
    assert.deepEqual(verbs, ['confirmDraft', 'changeDraft', 'cancelDraft']);
    const confirmed = await click(users.alex, actionsOf(card)[0]);
    assert.match(cardText(confirmed.value), /Filed: REQ-1001/);
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'pending');
    // A replayed Confirm does not file twice.
    const replay = await click(users.alex, actionsOf(card)[0]);
    assert.match(cardText(replay.value), /no longer open/);
    assert.equal(await h.bot.store.requests.get('REQ-1002'), undefined);
  });

  it('files one request per connector and says so', async () => {
    const replies = await say(users.alex, 'unblock Dropbox and Gmail in Contoso Dev for 2 weeks', 3);
    const all = replies.map(textOf).join('\n');
    assert.match(all, /I filed 2 requests: REQ-1001 \(Dropbox\), REQ-1002 \(Gmail\)/);
    const names = [];
    for (const id of ['REQ-1001', 'REQ-1002']) {
      const r = await h.bot.store.requests.get(id);
      assert.equal(r?.details.type, 'connector-unblock');
      if (r?.details.type === 'connector-unblock') names.push(r.details.connector.name);
      assert.ok(r?.grantEndsAt, 'the duration is kept as grantEndsAt');
    }
    assert.deepEqual(names.sort(), ['shared_dropbox', 'shared_gmail']);
  });

  it('greets in other languages and answers off-topic text with a pointer to help', async () => {
    const [hello] = await say(users.alex, 'hola!');
    assert.match(String(hello?.text), /Hello Alex.*help/s);
    const [off] = await say(users.alex, "what's the weather in Paris tomorrow?");
    assert.match(String(off?.text), /only help with Power Platform requests.*help/s);
    const [help] = await say(users.alex, 'help');
    assert.match(cardText(firstCard(help!)), /What I can do/);
    assert.ok(actionsOf(firstCard(help!)).some((a) => a.verb === 'listMine'));
  });

  it('shows each reader what they can do: no approver commands or buttons for a maker', async () => {
    const [maker] = await say(users.alex, 'help');
    const makerText = cardText(firstCard(maker!));
    assert.match(makerText, /Maker role/);
    assert.doesNotMatch(makerText, /Decide|Pending requests|Audit|Licence report|Set approvals channel/);
    assert.deepEqual(
      actionsOf(firstCard(maker!)).map((a) => a.verb),
      ['listMine'],
    );
    const [approver] = await say(users.megan, 'help');
    const approverText = cardText(firstCard(approver!));
    assert.match(approverText, /Decide \(approvers\)[\s\S]*Pending requests[\s\S]*Ask for/);
    assert.deepEqual(
      actionsOf(firstCard(approver!)).map((a) => a.verb),
      ['listPending', 'listMine'],
    );
  });

  it('cancels a pending request only after confirmation, and shows status as a card', async () => {
    await say(
      users.alex,
      'I need the Environment Maker role in Marketing Sandbox because I build the campaign tracker',
    );
    const [status] = await say(users.alex, "what's happening with my request?");
    assert.match(cardText(firstCard(status!)), /REQ-1001/);
    assert.match(cardText(firstCard(status!)), /Waiting for approval/);

    const [ask] = await say(users.alex, 'please cancel REQ-1001');
    const card = firstCard(ask!);
    assert.match(cardText(card), /Cancel REQ-1001\?/);
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'pending', 'not cancelled before confirmation');
    const yes = actionsOf(card).find((a) => a.verb === 'cancelConfirm');
    const done = await click(users.alex, yes);
    assert.match(cardText(done.value), /Cancelled/);
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'cancelled');
    // Another user's forged click cannot cancel someone else's request.
    await say(users.alex, 'maker role in IT Tools to build the helpdesk tracker');
    const forged = await click(users.adele, { verb: 'cancelConfirm', data: { requestId: 'REQ-1002' } });
    assert.equal(forged.value && (await h.bot.store.requests.get('REQ-1002'))?.status, 'pending');

    const [mine] = await say(users.alex, 'show me my requests');
    assert.match(cardText(firstCard(mine!)), /REQ-1001[\s\S]*REQ-1002|REQ-1002[\s\S]*REQ-1001/);
  });
});
