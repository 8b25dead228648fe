// A rule that auto-approves still executes, is audited, and is shown as "auto-approved by rule X" to the
// requester and in the approvals channel: nobody is asked, nobody is left wondering.
import assert from 'node:assert/strict';
import { type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { team, users } from '../support/fixture-ids.js';

describe('conversation: auto-approved by rule', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('creates a Developer environment for oneself without an approver, and says which rule approved it', async () => {
    await setUpChannels(h);
    await h.personal(users.adele, 'I need a new developer environment called Adele Playground in the US, no Dataverse');
    await h.settle();
    const receipt = h.connector.messages(h.personalConversationId(users.adele)).find((c) => c.method === 'POST');
    assert.ok(receipt, h.connector.describe());
    assert.match(cardText(firstCard(receipt.body)), /approved automatically by rule "developer-environment-for-self"/);

    const request = (await h.bot.store.requests.list())[0];
    assert.equal(request?.status, 'completed', JSON.stringify(request?.execution.error));
    assert.equal(request?.decisions.length, 0);
    const envs = await h.bot.tenant.listEnvironments();
    assert.ok(envs.some((e) => e.displayName === 'Adele Playground' && e.sku === 'Developer'));

    const channelCard = h.connector.messages(team.approvals).find((c) => c.method === 'POST');
    assert.ok(channelCard);
    assert.match(cardText(firstCard(channelCard.body)), /Auto-approved by rule "developer-environment-for-self"/);
    const actions = (firstCard(channelCard.body)?.actions as { verb?: string }[] | undefined) ?? [];
    assert.ok(!actions.some((a) => a.verb === 'approve'), 'nothing to approve on an auto-approved card');

    const trail = await h.bot.store.audit.list({ requestId: request?.id });
    assert.ok(
      trail.some((r) => r.action === 'request.auto-approved' && r.details?.rule === 'developer-environment-for-self'),
    );
    assert.ok(trail.some((r) => r.action === 'execution.completed'));
  });
});
