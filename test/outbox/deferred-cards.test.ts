// Cards stored as recipes and drawn when the outbox sends them (src/outbox/messages.ts DeferredComposer): what
// reaches Teams must be exactly the card the composer would have drawn in the use case's transaction, a recipe
// that cannot be drawn must never send half a card, and a decision must leave its cards undrawn in storage (the
// approver's click no longer waits for them).
import assert from 'node:assert/strict';
import {
  type Activity,
  DeferredComposer,
  drawActivity,
  isDeferredCard,
  type MessageComposer,
} from '../../src/outbox/messages.js';
import { OutboxWorker } from '../../src/outbox/outbox-worker.js';
import type { GovernanceRequest } from '../../src/requests/model.js';
import { AdaptiveCardComposer } from '../../src/teams/cards/composer.js';
import { connectorUnblock, request } from '../cards/scenarios.js';
import { approveInChannel, type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { envs, team, users } from '../support/fixture-ids.js';
import { type OutboxRig, startRig } from './support.js';

const AT = '2026-11-02T09:15:00.000Z';
const approval = {
  approver: { id: users.megan.id, upn: 'meganb@contoso.onmicrosoft.com', displayName: 'Megan Bowen' },
  verdict: 'approve' as const,
  comment: 'Fine for the <b>winter</b> audit',
  stage: 0,
  at: AT,
};
const environment = {
  id: envs.marketingSandbox,
  displayName: 'Marketing Sandbox',
  sku: 'Sandbox',
  location: 'europe',
  hasDataverse: true,
  isDefault: false,
};

/** Requests in states whose cards differ: pending, completed with a comment, a failed tenant-wide unblock. */
const requests: GovernanceRequest[] = [
  request({ type: 'maker-role', environment } as GovernanceRequest['details']),
  request({ type: 'maker-role', environment } as GovernanceRequest['details'], {
    status: 'completed',
    decisions: [approval],
    grantEndsAt: '2026-12-02T09:15:00.000Z',
  }),
  request(connectorUnblock(50, { scope: 'tenant-wide' }), {
    status: 'failed',
    decisions: [approval],
    execution: {
      progress: [],
      checkpoint: {},
      apiCalls: [{ method: 'POST', url: 'https://api.bap.microsoft.com/x', status: 409, at: AT, durationMs: 12 }],
      error: { code: 'Conflict', message: 'The policy changed meanwhile' },
    },
  }),
];

/** Every composer method the use cases call for the outbox, with the arguments they pass. */
const calls: [string, (c: MessageComposer, r: GovernanceRequest) => Activity][] = [
  ['approval card', (c, r) => c.approvalCard(r)],
  [
    'approval card with a notice',
    (c, r) => c.approvalCard(r, { text: 'Routed again: a senior approver', tone: 'info' }),
  ],
  ['receipt', (c, r) => c.receiptCard(r)],
  ['receipt with a notice', (c, r) => c.receiptCard(r, { text: 'Asked in a group chat', tone: 'warning' })],
  ['copy, approver', (c, r) => c.requestCopy(r, 'approver')],
  ['copy, shared read-only', (c, r) => c.requestCopy(r, 'readonly-shared')],
  ['copy, the approvals channel', (c, r) => c.requestCopy(r, 'approval')],
  ['requester update', (c, r) => c.requesterUpdate(r)],
  ['audit post', (c, r) => c.auditPost(r, 'approved by Megan Bowen: “ok”')],
];

describe('outbox: cards drawn when they are sent', () => {
  const drawer = new AdaptiveCardComposer(() => ['29:reader-1', '29:reader-2']);
  const deferred = new DeferredComposer(drawer);

  it('draws every card, after a trip through JSON storage, exactly as the composer draws it at once', () => {
    for (const r of requests)
      for (const [name, call] of calls) {
        const stored = JSON.parse(JSON.stringify(call(deferred, r))) as Activity;
        assert.ok(isDeferredCard(stored), `${name}: stored as a recipe`);
        assert.equal(stored.attachments, undefined, `${name}: nothing drawn in the transaction`);
        assert.deepEqual(drawActivity(stored, drawer), call(drawer, r), `${name} of ${r.id} (${r.status})`);
      }
  });

  it('stores text as it is sent, and passes an activity stored drawn through unchanged', () => {
    const text = deferred.text('Reminder: REQ-1001 waits for you');
    assert.deepEqual(text, drawer.text('Reminder: REQ-1001 waits for you'));
    assert.equal(drawActivity(text, undefined), text);
  });

  describe('the worker', () => {
    let rig: OutboxRig;
    beforeEach(async () => {
      rig = await startRig();
    });
    afterEach(async () => {
      await rig.stop();
    });
    const worker = (composer?: MessageComposer) =>
      new OutboxWorker({
        store: rig.store,
        notifier: rig.notifier,
        composer,
        clock: rig.time.clock,
        pacingNow: () => rig.time.now,
        sleep: rig.time.sleep,
        random: () => 0.5,
      });
    const store = (key: string, conversationKey: string, activity: Activity) =>
      rig.store.outbox.enqueue({
        idempotencyKey: key,
        conversationKey,
        operation: 'send',
        activity,
        createdAt: rig.time.clock().toISOString(),
      });

    it('sends the drawn card over the Bot Connector', async () => {
      const conv = await rig.addConversation('19:approvals@thread');
      const pending = requests[0] as GovernanceRequest;
      await store('approval:REQ-1001', conv, deferred.approvalCard(pending));
      assert.equal(await worker(drawer).drain(), 1);
      const [sent] = rig.connector.messages('19:approvals@thread');
      assert.deepEqual(firstCard(sent?.body ?? {}), firstCard(drawer.approvalCard(pending)));
      assert.equal((await rig.store.outbox.getByKey('approval:REQ-1001'))?.status, 'sent');
    });

    it('sends nothing for a recipe it cannot draw: the message is dead at once, with the reason', async () => {
      const conv = await rig.addConversation('19:approvals@thread');
      await store('bad', conv, { type: 'message', drawAtSend: { card: 'poster', request: requests[0] } });
      await worker(drawer).drain();
      await store('no-composer', conv, deferred.receiptCard(requests[0] as GovernanceRequest));
      await worker(undefined).drain();
      assert.equal(rig.connector.messages('19:approvals@thread').length, 0);
      for (const key of ['bad', 'no-composer']) {
        const message = await rig.store.outbox.getByKey(key);
        assert.equal(message?.status, 'dead', key);
        assert.equal(message?.attempts, 1, `${key}: not retried`);
        assert.match(message?.lastError ?? '', /CardNotDrawn: the card could not be drawn/);
      }
    });

    it('sends nothing for a copy recipe with a view it does not know (a private view would show the email)', async () => {
      const conv = await rig.addConversation('19:group@thread');
      const pending = requests[0] as GovernanceRequest;
      // e.g. a shared view a newer version adds: drawn as the private read-only view, it would carry the email.
      await store('copy:REQ-1001:0:v1', conv, {
        type: 'message',
        drawAtSend: { card: 'copy', request: pending, view: 'readonly-group' },
      });
      await worker(drawer).drain();
      assert.equal(rig.connector.messages('19:group@thread').length, 0);
      const message = await rig.store.outbox.getByKey('copy:REQ-1001:0:v1');
      assert.equal(message?.status, 'dead');
      assert.match(message?.lastError ?? '', /CardNotDrawn: .*unknown copy view readonly-group/);
    });
  });

  describe('the bot', () => {
    let h: Harness;
    beforeEach(async () => {
      h = await startHarness();
    });
    afterEach(async () => {
      await h.stop();
    });

    it("stores an approval's cards undrawn and sends them drawn, naming the approver", async () => {
      await setUpChannels(h);
      assert.equal((await h.personal(users.alex, 'request maker role in Marketing Sandbox')).status, 200);
      await h.settle();
      const card = h.connector.messages(team.approvals).find((c) => c.method === 'POST');
      assert.ok(card, 'approval card posted');
      const answer = await approveInChannel(h, users.megan, card.id, { requestId: 'REQ-1001', revision: 0 });
      assert.equal(answer.status, 200);

      const stored = await h.bot.store.outbox.list();
      const decision = stored.filter((m) =>
        /^(approval:REQ-1001:v|requester:REQ-1001:approved)/.test(m.idempotencyKey),
      );
      assert.ok(decision.length >= 2, `the decision's card edit and the requester's news: ${decision.length}`);
      for (const m of decision) assert.ok(isDeferredCard(m.activity), `${m.idempotencyKey} stored as a recipe`);

      await h.settle();
      const edits = h.connector.calls.filter((c) => c.method === 'PUT' && c.conversationId === team.approvals);
      assert.ok(edits.length > 0, 'the channel card was edited');
      for (const edit of edits) assert.match(cardText(firstCard(edit.body)), /Megan Bowen/);
      const news = h.connector.messages(h.personalConversationId(users.alex)).map((c) => cardText(firstCard(c.body)));
      assert.ok(
        news.some((text) => /REQ-1001 was approved/.test(text)),
        `Alex is told: ${news.join(' | ')}`,
      );
    });
  });
});
