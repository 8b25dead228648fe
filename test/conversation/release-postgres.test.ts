// The release confirmation on PostgreSQL (the store several replicas share): two confirms of one offer at the
// same moment file one release, and the role is removed once (issue 10 part 5).
import assert from 'node:assert/strict';
import { useChannels } from '../execution/conversation-support.js';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { envs, users } from '../support/fixture-ids.js';
import { useThrowawayPostgres } from '../support/postgres.js';

describe('conversation: giving up one’s own access, on PostgreSQL', () => {
  const url = useThrowawayPostgres('govbot_release');
  let h: Harness;
  before(async () => {
    h = await startHarness({ env: { DATABASE_URL: url() }, kickWorkers: false });
    await useChannels(h);
  });
  after(async () => {
    await h?.stop();
  });

  it('files one release for two simultaneous confirms, and removes the role once', async () => {
    const conversationId = h.personalConversationId(users.adele);
    const [card] = await h.say(users.adele, 'please remove my maker role in Contoso Dev');
    const call = h.connector.messages(conversationId).at(-1);
    const actions = (firstCard(card ?? {})?.actions as { verb?: string; data?: { offerId?: string } }[]) ?? [];
    const offerId = actions.find((a) => a.verb === 'confirmRelease')?.data?.offerId;
    assert.ok(offerId && call, JSON.stringify(card).slice(0, 300));
    const press = () => h.invoke(users.adele, 'confirmRelease', { offerId }, { conversationId, replyToId: call.id });
    const answers = await Promise.all([press(), press(), press()]);
    const texts = answers.map((a) => cardText(a.body.value));
    assert.equal(texts.filter((t) => /Confirmed\./.test(t)).length, 1, texts.join('\n---\n'));
    assert.equal(texts.filter((t) => /You already confirmed this/.test(t)).length, 2, texts.join('\n---\n'));
    await h.settle();
    const releases = await h.bot.store.requests.list({ type: 'release' });
    assert.equal(releases.length, 1);
    assert.equal(releases[0]?.status, 'completed', JSON.stringify(releases[0]?.execution.error));
    const writes = h.bot.simulator?.state.requests.filter(
      (r) => r.method === 'POST' && r.path.includes(envs.contosoDev) && r.path.endsWith('/modifyRoleAssignments'),
    );
    assert.equal(writes?.length, 1);
  });
});
