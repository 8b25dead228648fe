// Over the Bot Framework protocol: messages that mention a request without asking for one file nothing and get
// an answer that says so (issue 10 part 5; issue 14: "I need access", a password reset).
import assert from 'node:assert/strict';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { users } from '../support/fixture-ids.js';

describe('conversation: what was not asked is never filed', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.stop();
  });

  const cases: [string, RegExp][] = [
    ['no need to unblock Dropbox in Contoso Dev after all', /I have not filed anything/],
    ['please remove my maker role in Contoso Dev', /Give up the Environment Maker role in Contoso Dev\?/],
    [
      'if I asked for Dropbox in Contoso Dev, who would approve?',
      /^If you asked for Dropbox in Contoso Dev.*would decide.*I have not filed anything/,
    ],
    ['I need to reset my password', /IT help desk/],
    // A status question naming what was asked for is about a request already made (a Sandbox one was filed at once).
    [
      'what is happening with my maker role request in Contoso Test?',
      /I can't find a request of yours about Contoso Test/,
    ],
    [
      'any update on my Dropbox request in Contoso Dev?',
      /I can't find a request of yours about Dropbox in Contoso Dev/,
    ],
    ['I need access', /What kind of access do you need\?.*Environment Maker role.*connector.*new environment/],
  ];
  for (const [text, answer] of cases) {
    it(`"${text}": answered, nothing filed`, async () => {
      const replies = await h.say(users.adele, text);
      assert.match(String(replies[0]?.text ?? JSON.stringify(replies[0])), answer);
      assert.deepEqual(await h.bot.store.requests.list({ requesterId: users.adele.id }), []);
      const drafts = JSON.stringify(replies);
      assert.doesNotMatch(drafts, /confirmDraft|Shall I file/i, 'no request draft to confirm either');
    });
  }

  // A review found this filed for Nestor himself, with no confirmation and no mention of Alex.
  it('a request for someone else is filed for nobody; the answer names who has to ask', async () => {
    const replies = await h.say(
      users.nestor,
      'please give Alex Wilber the maker role in Marketing Sandbox because he builds apps',
    );
    const text = String(replies[0]?.text ?? JSON.stringify(replies[0]));
    assert.match(text, /only they can ask for it: Alex Wilber can message me.*I have not filed anything/);
    assert.deepEqual(await h.bot.store.requests.list({ requesterId: users.nestor.id }), []);
    assert.deepEqual(await h.bot.store.requests.list({ requesterId: users.alex.id }), []);
    assert.doesNotMatch(JSON.stringify(replies), /confirmDraft|Shall I file/i);
  });

  it('a request for someone else while a question is open answers it neither: nothing is filed', async () => {
    const [which] = await h.say(users.patti, 'maker role please');
    assert.match(String(which?.text ?? JSON.stringify(which)), /In which environment/);
    const replies = await h.say(
      users.patti,
      'please give Alex Wilber the maker role in Marketing Sandbox because he builds apps',
    );
    assert.match(String(replies[0]?.text ?? JSON.stringify(replies[0])), /Alex Wilber can message me/);
    assert.deepEqual(await h.bot.store.requests.list({ requesterId: users.patti.id }), []);
    assert.deepEqual(await h.bot.store.requests.list({ requesterId: users.alex.id }), []);
  });

  it('another person mentioned in a request for the sender still files it for the sender', async () => {
    const replies = await h.say(users.alex, 'Nestor told me to ask for the maker role in Marketing Sandbox');
    assert.doesNotMatch(JSON.stringify(replies), /only they can ask/);
    const filed = await h.bot.store.requests.list({ requesterId: users.alex.id });
    assert.deepEqual(
      filed.map((r) => [r.type, r.requester.id]),
      [['maker-role', users.alex.id]],
    );
  });
});
