// What a newcomer reads in their first hour, over the Bot Framework protocol (issue 14): the welcome in a team
// once the approvals channel is set, and "what is happening with my dropbox request?".
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createRequestPreparer } from '../../src/requests/preparers/index.js';
import { requestCard } from '../../src/teams/cards/composer.js';
import { readyDetails } from '../execution/conversation-support.js';
import { type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { envs, TENANT_ID, team, users } from '../support/fixture-ids.js';

const FINANCE_PRODUCTION = '6f553ca4-d0b2-5977-8aac-e7825409a59e';

describe('conversation: the first hour', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  /** The bot is added to the team (Teams sends conversationUpdate in the General channel); its welcome text. */
  async function welcome(): Promise<string> {
    const before = h.connector.messages(team.general).length;
    const res = await h.post({
      type: 'conversationUpdate',
      id: randomUUID(),
      serviceUrl: h.connector.url,
      channelId: 'msteams',
      recipient: { id: '28:governance-bot', name: 'Governance' },
      from: { id: `29:${users.megan.id}`, name: users.megan.name, aadObjectId: users.megan.id },
      conversation: { id: team.general, conversationType: 'channel', isGroup: true, tenantId: TENANT_ID },
      channelData: { team: { id: team.id, name: team.name }, channel: { id: team.general }, tenant: { id: TENANT_ID } },
      membersAdded: [{ id: '28:governance-bot' }],
    });
    assert.equal(res.status, 200);
    const calls = await h.connector.waitFor((all) => {
      const mine = all.filter((c) => c.conversationId.startsWith(team.general) && c.body.type === 'message');
      return mine.length > before ? mine : undefined;
    });
    return String(calls.at(-1)?.body.text ?? '');
  }

  it('welcomes a team without asking again for an approvals channel that is already set', async () => {
    assert.match(await welcome(), /set approvals channel/);
    await setUpChannels(h, ['approvals', 'audit']);
    const text = await welcome();
    assert.doesNotMatch(text, /set approvals channel/);
    assert.match(text, /approvals channel is set up/);
    assert.match(text, /notifications/);
    await setUpChannels(h, ['notifications']);
    assert.doesNotMatch(await welcome(), /set \w+ channel/);
  });

  /** Files for Alex the way the front door does (through the service); returns the request id. */
  async function fileFor(details: Promise<ReturnType<typeof readyDetails>>): Promise<string> {
    const filed = await h.bot.service.file({
      requesterId: users.alex.id,
      details: await details,
      justification: 'work',
    });
    assert.equal(filed.kind, 'filed', JSON.stringify(filed));
    return filed.kind === 'filed' ? filed.request.id : '';
  }
  const preparer = () => createRequestPreparer(h.bot.tenant);
  const dropbox = (environmentId: string) =>
    preparer()
      .connectorUnblock({ requesterId: users.alex.id, environmentId, connectorId: 'shared_dropbox' })
      .then(readyDetails);
  const makerRole = (environmentId: string) =>
    preparer().makerRole({ requesterId: users.alex.id, environmentId }).then(readyDetails);
  const answerTo = async (text: string) => {
    const [reply] = await h.say(users.alex, text);
    assert.ok(reply);
    return { text: `${reply.text ?? ''} ${cardText(firstCard(reply))}`, card: firstCard(reply) };
  };

  it('answers "my dropbox request" with that request: the open one first, never a cancelled one beside it', async () => {
    await setUpChannels(h, ['approvals']);
    await h.personal(users.alex, 'hello');
    const cancelled = await fileFor(dropbox(envs.contosoDev));
    assert.equal((await h.bot.service.cancel(cancelled, users.alex.id)).kind, 'decided');
    const role = await fileFor(makerRole(envs.marketingSandbox));
    const open = await fileFor(dropbox(envs.marketingSandbox));

    const answer = await answerTo('what is happening with my dropbox request?');
    assert.ok(answer.card, `a card, not a list: ${answer.text}`);
    assert.match(answer.text, new RegExp(`${open} · Waiting for approval`));
    assert.doesNotMatch(answer.text, new RegExp(`${cancelled}|${role}|Your open requests`));

    // A status question without a clue lists the open requests only, under that title.
    const list = await answerTo('what is happening with my request?');
    assert.match(list.text, new RegExp(`${role}[\\s\\S]*${open}|${open}[\\s\\S]*${role}`));
    assert.match(list.text, /Your open requests/);
    assert.doesNotMatch(list.text, new RegExp(cancelled));
  });

  it('shows a cancelled request only when it is the one matching, and says it was cancelled', async () => {
    await setUpChannels(h, ['approvals']);
    await h.personal(users.alex, 'hello');
    const cancelled = await fileFor(dropbox(envs.contosoDev));
    assert.equal((await h.bot.service.cancel(cancelled, users.alex.id)).kind, 'decided');
    await fileFor(makerRole(envs.marketingSandbox));

    const answer = await answerTo('any news on my dropbox request?');
    assert.ok(answer.card, answer.text);
    assert.match(answer.text, new RegExp(`${cancelled} · Cancelled`));
    assert.match(answer.text, /You cancelled this request/);
  });

  it('shows the plan a requester holds and the premium plan a Premium connector needs, beside the refusal', async () => {
    const details = await preparer()
      .connectorUnblock({
        requesterId: users.alex.id,
        environmentId: FINANCE_PRODUCTION,
        connectorId: 'shared_salesforce',
      })
      .then(readyDetails);
    const filed = await h.bot.service.file({ requesterId: users.alex.id, details, justification: 'pipeline app' });
    assert.equal(filed.kind, 'denied', JSON.stringify(filed));
    if (filed.kind !== 'denied') return;
    const text = cardText(
      requestCard(filed.request, 'requester', { text: `Not allowed: ${filed.reason}`, tone: 'error' }),
    );
    assert.match(text, /premium licence/);
    assert.doesNotMatch(text, /Power Apps licence:\*\* Yes/);
    assert.match(
      text,
      /\*\*Licence:\*\* Power Apps \(with Microsoft 365\), Power Automate \(with Microsoft 365\): standard connectors only/,
    );
    assert.match(text, /\*\*Needs:\*\* A premium plan \(per user or per app\): Salesforce is a Premium connector/);

    // Adele holds Power Apps and Power Automate per user: premium, so no "standard connectors only".
    const adele = await h.bot.service.file({ requesterId: users.adele.id, details, justification: 'pipeline app' });
    assert.ok(adele.kind === 'filed', JSON.stringify(adele));
    const hers = cardText(requestCard(adele.request, 'approver'));
    assert.match(
      hers,
      /\*\*Licence:\*\* Power Apps Premium, Power Automate Premium, Power Apps \(with Microsoft 365\)/,
    );
    assert.doesNotMatch(hers, /standard connectors only/);
  });

  /** A personal message from Alex with Teams' locale; the bot's replies to it, as text. */
  async function sayIn(locale: string, text: string): Promise<string> {
    const conversationId = h.personalConversationId(users.alex);
    const before = h.connector.messages(conversationId).length;
    const res = await h.post({
      type: 'message',
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      serviceUrl: h.connector.url,
      channelId: 'msteams',
      locale,
      recipient: { id: '28:governance-bot', name: 'Governance' },
      from: { id: `29:${users.alex.id}`, name: users.alex.name, aadObjectId: users.alex.id },
      conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT_ID },
      channelData: { tenant: { id: TENANT_ID } },
      text,
    });
    assert.equal(res.status, 200);
    const replies = await h.connector.waitFor((calls) => {
      const mine = calls.filter((c) => c.conversationId === conversationId && c.body.type === 'message');
      return mine.length > before ? mine.slice(before) : undefined;
    });
    return replies.map((c) => `${c.body.text ?? ''} ${cardText(firstCard(c.body))}`).join('\n');
  }

  it('asks about Dataverse for a new environment, then proposes the region’s currency and the maker’s language', async () => {
    await setUpChannels(h, ['approvals']);
    const asked = await sayIn('de-DE', 'I need a new sandbox environment called Payroll Tools in Europe');
    assert.match(asked, /Does the new environment need a Dataverse database\?/);
    assert.match(asked, /Yes, with Dataverse/);
    assert.equal((await h.bot.store.requests.list({})).length, 0, 'nothing filed before the answer');

    const filed = await sayIn('de-DE', 'yes');
    const [request] = await h.bot.store.requests.list({});
    assert.ok(request, filed);
    assert.equal(request.details.type, 'new-environment');
    if (request.details.type !== 'new-environment') return;
    assert.equal(request.details.dataverse?.currency, 'EUR');
    assert.equal(request.details.dataverse?.languageLcid, 1031, 'German, from the maker’s Teams locale');
    assert.match(filed, /Dataverse gets EUR and German, proposed for Europe/);

    // "no" answers the question (the request is filed without Dataverse), it does not drop the request.
    await sayIn('en-GB', 'new sandbox environment called Ledger Tools in the United Kingdom');
    await sayIn('en-GB', 'no');
    const ledger = (await h.bot.store.requests.list({})).find(
      (r) => r.details.type === 'new-environment' && r.details.displayName === 'Ledger Tools',
    );
    assert.ok(ledger, 'filed after "no"');
    assert.equal(ledger.details.type === 'new-environment' && ledger.details.dataverse, undefined);
  });

  it('says when a region is not one it knows, on the request and on the answer, instead of asking again silently', async () => {
    await setUpChannels(h, ['approvals']);
    const asked = await sayIn('en-US', 'new sandbox environment called Payroll Tools in Atlantis');
    assert.match(asked, /In which region\?/);
    assert.match(asked, /I don't know a region called "Atlantis"\./);
    const again = await sayIn('en-US', 'mars please');
    assert.match(again, /I don't know a region called "mars"\./);
    assert.match(again, /In which region\?/);
    assert.match(await sayIn('en-US', 'Europe'), /Does the new environment need a Dataverse database\?/);
    assert.equal((await h.bot.store.requests.list({})).length, 0, 'nothing filed yet');
  });

  it('proposes GBP in the United Kingdom when the maker asks for Dataverse outright', async () => {
    await setUpChannels(h, ['approvals']);
    await sayIn('en-GB', 'new sandbox environment called Ledger Tools in the United Kingdom with Dataverse');
    const [request] = await h.bot.store.requests.list({});
    assert.ok(request?.details.type === 'new-environment', 'filed without a question: Dataverse was named');
    assert.equal(request.details.dataverse?.currency, 'GBP');
    assert.equal(request.details.dataverse?.languageLcid, 1033, 'English: the tenant offers no en-GB base language');
  });
});
