// Over the Bot Framework protocol: a link in a justification keeps its address (a review, 30 Nov 2026). Typed as
// markdown ("[spec](https://…)") or sent by Teams as HTML (<a href="…">spec</a>), it was stored as "spec" and the
// approvers never saw where it pointed. Stored as "spec (https://…)"; the approval card shows the address as plain
// text, never a live link (user-text.ts breaks it with invisible word joiners).
import assert from 'node:assert/strict';
import { type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { team, users } from '../support/fixture-ids.js';

const SPEC = 'https://contoso.sharepoint.com/spec';
const WORD_JOINER = /\u2060/g;

describe('conversation: a link in a justification keeps its address', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await setUpChannels(h);
  });
  afterEach(async () => h.stop());

  const ways: [string, string][] = [
    ['typed as markdown', `[spec](${SPEC})`],
    ['sent by Teams as HTML', `<a href="${SPEC}" rel="noreferrer noopener" target="_blank" title="${SPEC}">spec</a>`],
  ];
  for (const [how, link] of ways) {
    it(`${how}: stored and shown on the approval card as "spec (${SPEC})"`, async () => {
      await h.say(users.alex, `maker role in Marketing Sandbox because the ${link} needs a prototype`);
      const [request] = await h.bot.store.requests.list({ requesterId: users.alex.id });
      assert.equal(request?.justification, `the spec (${SPEC}) needs a prototype`);

      const post = await h.connector.waitFor((calls) =>
        calls.find((c) => c.conversationId === team.approvals && c.method === 'POST'),
      );
      const card = firstCard(post.body);
      assert.ok(
        cardText(card).replace(WORD_JOINER, '').includes(`the spec (${SPEC}) needs a prototype`),
        cardText(card),
      );
      // As text: no markdown link, no HTML anchor and no bare URL an autolinker would pick up.
      const json = JSON.stringify(card);
      assert.doesNotMatch(json, /\]\(https?:|<a |https:\/\/contoso/);
    });
  }

  it('a link in the answer to "why do you need it?" keeps its address too', async () => {
    const [question] = await h.say(users.alex, 'I need the maker role in IT Tools');
    assert.match(String(question?.text ?? '') + cardText(firstCard(question ?? {})), /why do you need it\?/);
    await h.say(users.alex, `to build the triage app described in <a href="${SPEC}">the spec</a>`);
    const [request] = await h.bot.store.requests.list({ requesterId: users.alex.id });
    assert.match(request?.justification ?? '', /described in the spec \(https:\/\/contoso\.sharepoint\.com\/spec\)$/);
  });
});
