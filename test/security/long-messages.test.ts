// A message is bounded before it is understood, and the reply says so; a single very long "word" is not cut in
// every place looking for two glued names. (How long understanding takes is printed by npm run bench:adversarial.)
import assert from 'node:assert/strict';
import { boundMessage, MAX_UNDERSTOOD_CHARS } from '../../src/intake/text.js';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { cardText } from '../support/connector-double.js';
import { users } from '../support/fixture-ids.js';

const firstCard = (reply: Record<string, unknown> | undefined): unknown =>
  (reply?.attachments as { content?: unknown }[] | undefined)?.[0]?.content;

describe('security: long messages', () => {
  it('boundMessage keeps a short message whole and cuts a long one at a word boundary', () => {
    assert.deepEqual(boundMessage('I need the maker role'), { text: 'I need the maker role', cut: false, length: 21 });
    const long = 'need access '.repeat(2400); // 28,800 characters, about Teams' cap
    const b = boundMessage(long);
    assert.equal(b.cut, true);
    assert.equal(b.length, long.length);
    assert.ok(b.text.length <= MAX_UNDERSTOOD_CHARS && b.text.length > MAX_UNDERSTOOD_CHARS * 0.8);
    assert.match(b.text, / (need|access)$/, 'cut between words');
  });

  describe('through the bot', () => {
    let h: Harness;
    before(async () => {
      h = await startHarness();
    });
    after(async () => {
      await h.stop();
    });

    it('answers a 28 KB message, saying it read only the first part, and files nothing before the maker confirms', async () => {
      const message = `I need the Environment Maker role in Contoso Dev ${'because reasons '.repeat(1800)}`;
      const replies = await h.say(users.adele, message, 2);
      const texts = replies.map((r) => String(r.text ?? ''));
      assert.match(texts[0] ?? '', /Your message is long \(28,849 characters\), so I read only the first 2,000/);
      assert.equal(replies.length, 2, 'and then one answer');
      // A clear request in the part that was read is shown back for confirmation, not filed straight away.
      assert.match(cardText(firstCard(replies[1])), /Is this what you want\?/);
      assert.deepEqual(await h.bot.store.requests.list({ requesterId: users.adele.id, limit: 10 }), []);
      // The same words in a short message are filed at once (the confirmation is owed to the cut alone).
      const short = await h.say(users.alex, 'I need the Environment Maker role in Contoso Dev because reasons');
      assert.doesNotMatch(cardText(firstCard(short[0])), /Is this what you want\?/);
      assert.equal((await h.bot.store.requests.list({ requesterId: users.alex.id, limit: 10 })).length, 1);
    });

    it('a message under the bound gets no such note', async () => {
      const replies = await h.say(users.adele, 'help');
      assert.doesNotMatch(JSON.stringify(replies), /Your message is long/);
    });
  });
});
