// Over the Bot Framework protocol: a name that matches no environment is never stretched to another one, least of
// all one of another type (issue 10 part 5). The bot says so, offers the closest few labelled with their type, and
// files nothing until the maker picks; a typo of a real name still finds it.
import assert from 'node:assert/strict';
import { type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { actionsOf, cardText, firstCard } from '../support/connector-double.js';
import { envs, users } from '../support/fixture-ids.js';

type Action = { title?: string; verb?: string; data?: Record<string, unknown> };

function choices(body: Record<string, unknown> | undefined): Action[] {
  return actionsOf(firstCard(body ?? {}), 'chooseOption') as Action[];
}

describe('conversation: a name that matches no environment is asked back, never stretched', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await setUpChannels(h);
  });
  afterEach(async () => {
    await h.stop();
  });

  const filed = () => h.bot.store.requests.list({ requesterId: users.alex.id });

  it('"Marketing Production" (only Marketing Sandbox exists): asks with the closest, files only the one picked', async () => {
    const [reply] = await h.say(users.alex, 'I need the environment maker role in Marketing Production please');
    const text = cardText(firstCard(reply ?? {}));
    assert.match(text, /couldn't find an environment called "Marketing Production"/);
    assert.match(text, /Nothing is filed until you choose/);
    const options = choices(reply);
    assert.deepEqual(
      options.map((o) => o.title),
      ['1. Marketing Sandbox', '2. Finance Production', '3. HR Production'],
      'the closest three, of either type, each showing its type',
    );
    assert.deepEqual(await filed(), [], 'nothing filed on a stretched name');

    const sandbox = options.find((o) => /Marketing Sandbox/.test(o.title ?? ''));
    const res = await h.invoke(users.alex, 'chooseOption', sandbox?.data, {
      conversationId: h.personalConversationId(users.alex),
    });
    assert.equal(res.status, 200);
    const [request] = await filed();
    assert.equal(request?.details.type === 'maker-role' && request.details.environment.id, envs.marketingSandbox);
  });

  it('a "test" is never a Production environment: "IT Tools test" is asked back, IT Tools labelled Production', async () => {
    const [reply] = await h.say(users.alex, 'unblock Dropbox in IT Tools test');
    assert.match(cardText(firstCard(reply ?? {})), /couldn't find an environment called "IT Tools test"/);
    const titles = choices(reply).map((o) => o.title ?? '');
    assert.ok(titles.includes('1. IT Tools (Production)'), titles.join(' | '));
    assert.ok(titles.includes('2. Contoso Test (Sandbox)'), titles.join(' | '));
    assert.deepEqual(await filed(), []);
  });

  it('a production word is never a Sandbox: "Operations Sandbox" offers Operations Production among others', async () => {
    const [reply] = await h.say(users.alex, 'maker role in operations sandbox');
    assert.match(cardText(firstCard(reply ?? {})), /couldn't find an environment called "operations sandbox"/);
    assert.ok(choices(reply).length <= 3);
    assert.ok(choices(reply).some((o) => /Operations Production/.test(o.title ?? '')));
    assert.deepEqual(await filed(), []);
  });

  it('a typo of a real name still finds it (shown back to confirm, no "couldn\'t find")', async () => {
    const [reply] = await h.say(users.alex, 'maker role in finanse sandbox');
    const text = cardText(firstCard(reply ?? {}));
    assert.doesNotMatch(text, /couldn't find/);
    assert.match(text, /Finance Sandbox/);
    assert.deepEqual(await filed(), []);
  });

  // A Developer environment is its owner's own: another maker is never offered it (nor shown its owner's name).
  it("never offers another maker's Developer environment; its owner still sees it", async () => {
    const titles = async (user: (typeof users)['alex'], text: string) => {
      const [reply] = await h.say(user, text);
      assert.match(cardText(firstCard(reply ?? {})), /couldn't find an environment called/);
      return choices(reply).map((o) => o.title ?? '');
    };
    const alexDev = await titles(users.alex, 'maker role in marketing dev');
    assert.ok(alexDev.length > 0 && !alexDev.some((t) => /HR Dev/.test(t)), alexDev.join(' | '));
    const alexVance = await titles(users.alex, 'maker role in Vance Production');
    assert.ok(alexVance.length > 0 && !alexVance.some((t) => /Adele/.test(t)), alexVance.join(' | '));
    const adeleVance = await titles(users.adele, 'maker role in Vance Production');
    assert.ok(
      adeleVance.some((t) => /Adele Vance's Environment/.test(t)),
      adeleVance.join(' | '),
    );
    assert.deepEqual(await filed(), []);
  });

  it("named outright, another maker's Developer environment is explained, not filed", async () => {
    const [reply] = await h.say(users.alex, 'I need the Environment Maker role in HR Dev please');
    const text = cardText(firstCard(reply ?? {})) || String(reply?.text ?? '');
    assert.match(text, /HR Dev is a Developer environment: it is for its owner's individual use/);
    assert.doesNotMatch(text, /Diego/, 'its owner is not named');
    assert.deepEqual(await filed(), []);
  });

  it("a connector unblock in another maker's Developer environment is explained, not filed", async () => {
    const [reply] = await h.say(users.alex, 'please unblock Dropbox in HR Dev');
    const text = cardText(firstCard(reply ?? {})) || String(reply?.text ?? '');
    assert.match(text, /HR Dev is a Developer environment: it is for its owner's individual use/);
    assert.doesNotMatch(text, /Diego/, 'its owner is not named');
    assert.deepEqual(await filed(), []);
  });

  it("asking which environment lists no other maker's Developer environment", async () => {
    const [reply] = await h.say(users.alex, 'I need the environment maker role please');
    const card = JSON.stringify(firstCard(reply ?? {}));
    assert.match(card, /Marketing Sandbox/, 'the list of environments is on the card');
    assert.doesNotMatch(card, /Adele Vance|HR Dev/);
  });
});
