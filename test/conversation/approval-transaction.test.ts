// What one approve click asks of SQLite: the visibility read, then every effect (the decision, its audit record, the
// jobs, the card edits and the requester's update) in one write transaction of a known number of statements. Counted,
// not timed: a statement more per click is a change to make on purpose (scripts/bench/approval-statements.ts lists
// them).
import assert from 'node:assert/strict';
import { outboxKeys } from '../../src/outbox/messages.js';
import { approveInChannel, type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { firstCard } from '../support/connector-double.js';
import { envs, team, users } from '../support/fixture-ids.js';
import { recordStatements } from '../support/statement-log.js';

describe('conversation: the write transaction of an approval', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  async function fileAndPost(environmentId: string) {
    await h.personal(users.alex, 'help'); // the bot learns the personal conversation, as after installing the app
    const env = await h.bot.tenant.getEnvironment(environmentId);
    assert.ok(env);
    const filed = await h.bot.service.file({
      requesterId: users.alex.id,
      details: { type: 'maker-role', environment: env },
    });
    assert.equal(filed.kind, 'filed');
    const request = filed.kind === 'filed' ? filed.request : undefined;
    await h.settle();
    const card = h.connector
      .messages(team.approvals)
      .find((c) => c.method === 'POST' && JSON.stringify(firstCard(c.body)).includes(`"requestId":"${request?.id}"`));
    assert.ok(request && card?.id);
    return { request, cardId: card.id };
  }

  async function approveCounting(requestId: string, cardId: string) {
    const log = recordStatements();
    try {
      const res = await approveInChannel(h, users.megan, cardId, { requestId, revision: 0 });
      assert.equal(res.status, 200);
    } finally {
      log.stop();
    }
    return log;
  }

  it('decides a one-stage request with 11 statements in one transaction', async () => {
    h = await startHarness({ kickWorkers: false });
    await setUpChannels(h);
    const { request, cardId } = await fileAndPost(envs.marketingSandbox);
    const log = await approveCounting(request.id, cardId);
    const sqls = log.statements.map((s) => s.sql);
    assert.equal(sqls.filter((s) => s.startsWith('begin')).length, 1, 'one write transaction');
    const inTransaction = log.inFirstTransaction();
    assert.ok(inTransaction.length <= 11, `${inTransaction.length} statements:\n${inTransaction.join('\n')}`);
    assert.equal((await h.bot.store.requests.get(request.id))?.status, 'approved');
    // Every effect is still there: the channel card's edit, the requester's update, the execution.
    const queued = (await h.bot.store.outbox.list({ status: 'pending' })).filter((m) => m.requestId === request.id);
    assert.deepEqual(
      queued.map((m) => [m.operation, m.conversationKey, m.updateOf]),
      [
        ['update', `channel:${team.approvals}`, outboxKeys.approvalCard(request.id)],
        ['send', `personal:${users.alex.id}`, undefined],
      ],
    );
    assert.ok(
      (await h.bot.store.jobs.list({ status: 'pending' })).some((j) => j.dedupeKey === `execute:${request.id}`),
    );
  });

  it('passes stage 1 of a two-stage request with 11 statements in one transaction', async () => {
    h = await startHarness({ kickWorkers: false });
    await setUpChannels(h);
    const { request, cardId } = await fileAndPost(envs.itTools);
    assert.equal(request.stages.length, 2);
    const log = await approveCounting(request.id, cardId);
    const inTransaction = log.inFirstTransaction();
    assert.ok(inTransaction.length <= 11, `${inTransaction.length} statements:\n${inTransaction.join('\n')}`);
    const stored = await h.bot.store.requests.get(request.id);
    assert.equal(stored?.status, 'pending');
    assert.equal(stored?.decisions.length, 1);
    // Stage 1's reminder and escalation are cancelled; stage 2's are scheduled; the expiry stays.
    const pending = (await h.bot.store.jobs.list({ status: 'pending' })).map((j) => j.dedupeKey ?? '');
    const mine = pending.filter((k) => k.startsWith(`pending:${request.id}:`)).sort();
    assert.deepEqual(mine, [
      `pending:${request.id}:expire`,
      `pending:${request.id}:stage1:escalate`,
      `pending:${request.id}:stage1:remind:1`,
    ]);
  });
});
