// Over the Bot Framework protocol: "if I asked for …, who would approve?" gets a real answer from a dry run of
// the approval policy (issue 10 part 5): who would decide, why, and that nothing was filed. Nothing is stored.
import assert from 'node:assert/strict';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { users } from '../support/fixture-ids.js';

describe('conversation: a hypothetical is answered by a dry run of the policy', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.stop();
  });

  async function ask(text: string): Promise<string> {
    const replies = await h.say(users.alex, text);
    assert.equal(replies.length, 1, JSON.stringify(replies));
    return String(replies[0]?.text);
  }

  afterEach(async () => {
    assert.deepEqual(await h.bot.store.requests.list(), [], 'no request stored');
    assert.ok(
      !(await h.bot.store.audit.list({ actorId: users.alex.id })).some((r) => r.action === 'request.created'),
      'nothing filed',
    );
  });

  it('names both approver groups, in order, for a Production environment, and why', async () => {
    const text = await ask('if I asked for the maker role in IT Tools, who would approve?');
    assert.match(
      text,
      /^If you asked for the Environment Maker role in IT Tools \(a Production environment\), Power Platform Admins, then Power Platform Senior Approvers would decide: anything touching a Production environment needs two distinct approvers, the second a senior approver;/,
    );
    assert.match(text, /I have not filed anything/);
  });

  it('names only the admins for the maker role in a sandbox', async () => {
    const text = await ask('if I wanted the maker role in Marketing Sandbox, who would approve?');
    assert.match(text, /Marketing Sandbox \(a Sandbox environment\), Power Platform Admins would decide: /);
    assert.doesNotMatch(text, /Senior/);
    assert.match(text, /I have not filed anything/);
  });

  it('reads the connector and environment of the question', async () => {
    const text = await ask('suppose we want Dropbox in Contoso Dev, who signs off?');
    assert.match(
      text,
      /^If you asked for Dropbox in Contoso Dev \(a Sandbox environment\), Power Platform Admins would decide: /,
    );
  });

  it('names the senior approvers for a tenant-wide change, as a filing would be routed', async () => {
    const text = await ask('if I asked for Dropbox in Contoso Dev tenant-wide, who would approve?');
    assert.match(
      text,
      /^If you asked for Dropbox in Contoso Dev \(a Sandbox environment\), tenant-wide, Power Platform Admins, then Power Platform Senior Approvers would decide: a change to a DLP policy that covers all environments needs two distinct approvers/,
    );
  });

  it('says when nobody would have to decide', async () => {
    const text = await ask('what if I needed a new developer environment, who would decide?');
    assert.match(text, /^If you asked for a new Developer environment, nobody would have to decide: /);
  });

  it('answers generally, with an example, when the question names nothing it can evaluate', async () => {
    const text = await ask('who approves connector unblocks?');
    assert.match(text, /not filed anything/);
    assert.match(text, /for example "if I asked for the maker role in Contoso Dev, who would approve\?"/);
  });
});
