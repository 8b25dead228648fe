// A request's details (justification, routing, requester) are for its requester and the approvers only:
// a forged or guessed request id on a card shows nothing to anyone else.
import assert from 'node:assert/strict';
import { type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { cardText } from '../support/connector-double.js';
import { team, users } from '../support/fixture-ids.js';

describe('teams: who may see a request', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await setUpChannels(h);
    await h.personal(
      users.alex,
      'I need the Environment Maker role in Marketing Sandbox because of the secret launch plan',
    );
    await h.settle();
  });
  afterEach(async () => {
    await h.stop();
  });

  const inPersonal = (user: { id: string; name: string }) => ({ conversationId: h.personalConversationId(user) });

  for (const verb of ['showRequest', 'why', 'refresh']) {
    it(`"${verb}" with someone else's request id shows nothing to a non-approver`, async () => {
      const res = await h.invoke(users.adele, verb, { requestId: 'REQ-1001' }, inPersonal(users.adele));
      assert.equal(res.status, 200);
      const text = cardText(res.body.value);
      assert.match(text, /Only the requester and the approvers can see REQ-1001/);
      assert.doesNotMatch(text, /secret launch plan/);
    });
  }

  it('a forged approve by a non-approver is refused without revealing the request', async () => {
    const res = await h.invoke(users.adele, 'approve', { requestId: 'REQ-1001', revision: 0 }, inPersonal(users.adele));
    const text = cardText(res.body.value);
    assert.match(text, /Only members of Power Platform Admins can decide on REQ-1001/);
    assert.doesNotMatch(text, /secret launch plan/);
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'pending');
  });

  it('the requester and an approver see the details', async () => {
    const mine = await h.invoke(users.alex, 'showRequest', { requestId: 'REQ-1001' }, inPersonal(users.alex));
    assert.match(cardText(mine.body.value), /secret launch plan/);
    const approver = await h.invoke(
      users.megan,
      'showRequest',
      { requestId: 'REQ-1001' },
      {
        conversationId: team.approvals,
        channelId: team.approvals,
      },
    );
    assert.match(cardText(approver.body.value), /secret launch plan/);
  });
});
