// "Need more info" pressed twice (a double click, or Teams re-sending the invoke) must ask the requester once.
import assert from 'node:assert/strict';
import { environmentRef } from '../../src/requests/preparers/lookup.js';
import { type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { envs, users } from '../support/fixture-ids.js';

describe('review: the same question asked twice', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ kickWorkers: false });
  });
  afterEach(async () => h.stop());

  it('sends the requester one question and keeps one open exchange', async () => {
    await setUpChannels(h);
    await h.personal(users.alex, 'hello'); // the bot knows Alex's chat
    const env = await h.bot.tenant.getEnvironment(envs.marketingSandbox);
    assert.ok(env);
    const filed = await h.bot.service.file({
      requesterId: users.alex.id,
      details: { type: 'maker-role', environment: environmentRef(env) },
    });
    assert.equal(filed.kind, 'filed');
    const id = filed.kind === 'filed' ? filed.request.id : '';
    const question = 'Which app is this for?';
    const first = await h.bot.lifecycle.askForInfo(id, users.megan.id, question);
    const second = await h.bot.lifecycle.askForInfo(id, users.megan.id, question);
    assert.equal(first.kind, 'done');
    assert.equal(second.kind, 'refused');
    assert.match(second.message, /already asked/);
    const stored = await h.bot.store.requests.get(id);
    assert.equal(stored?.infoExchanges?.length, 1);
    const questions = (await h.bot.store.outbox.list({})).filter((m) => m.idempotencyKey.startsWith(`question:${id}`));
    assert.equal(questions.length, 1);

    // A different question is still asked.
    const third = await h.bot.lifecycle.askForInfo(id, users.megan.id, 'Who owns the app?');
    assert.equal(third.kind, 'done');
  });
});
