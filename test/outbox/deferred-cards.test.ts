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
import { cardNotDrawnText, OutboxWorker } from '../../src/outbox/outbox-worker.js';
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
      notDrawn = [];
    });
    afterEach(async () => {
      await rig.stop();
    });
    /** What the worker reported as not drawn (the bot logs it at warn): key and reason. */
    let notDrawn: string[] = [];
    const worker = (composer?: MessageComposer) =>
      new OutboxWorker({
        store: rig.store,
        notifier: rig.notifier,
        composer,
        clock: rig.time.clock,
        pacingNow: () => rig.time.now,
        sleep: rig.time.sleep,
        random: () => 0.5,
        onCardNotDrawn: (message, reason) => notDrawn.push(`${message.idempotencyKey} ${reason}`),
      });
    const store = (
      key: string,
      conversationKey: string,
      activity: Activity,
      extra: { requestId?: string; updateOf?: string } = {},
    ) =>
      rig.store.outbox.enqueue({
        idempotencyKey: key,
        conversationKey,
        operation: extra.updateOf ? 'update' : 'send',
        updateOf: extra.updateOf,
        activity,
        requestId: extra.requestId,
        createdAt: rig.time.clock().toISOString(),
      });
    /** A pending request whose justification alone makes its card larger than Teams' 80 KB. */
    const oversized = (): GovernanceRequest => {
      const r = structuredClone(requests[0] as GovernanceRequest);
      r.justification = `Secret budget line ${'x'.repeat(90 * 1024)}`;
      return r;
    };
    const texts = (conversationId: string) =>
      rig.connector.calls
        .filter((c) => c.conversationId === conversationId)
        .map((c) => ({ method: c.method, body: c.body as Activity }));

    it('sends the drawn card over the Bot Connector', async () => {
      const conv = await rig.addConversation('19:approvals@thread');
      const pending = requests[0] as GovernanceRequest;
      await store('approval:REQ-1001', conv, deferred.approvalCard(pending));
      assert.equal(await worker(drawer).drain(), 1);
      const [sent] = rig.connector.messages('19:approvals@thread');
      assert.deepEqual(firstCard(sent?.body ?? {}), firstCard(drawer.approvalCard(pending)));
      assert.equal((await rig.store.outbox.getByKey('approval:REQ-1001'))?.status, 'sent');
    });

    it('sends nothing for a recipe it cannot draw and no request to name: dead at once, with the reason', async () => {
      const conv = await rig.addConversation('19:approvals@thread');
      await store('bad', conv, { type: 'message', drawAtSend: { card: 'poster', request: requests[0] } });
      await worker(drawer).drain();
      // With a requestId but no composer, there is nothing to draw the fallback line either.
      await store('no-composer', conv, deferred.receiptCard(requests[0] as GovernanceRequest), {
        requestId: 'REQ-1001',
      });
      await worker(undefined).drain();
      assert.equal(rig.connector.messages('19:approvals@thread').length, 0);
      for (const key of ['bad', 'no-composer']) {
        const message = await rig.store.outbox.getByKey(key);
        assert.equal(message?.status, 'dead', key);
        assert.equal(message?.attempts, 1, `${key}: not retried`);
        assert.match(message?.lastError ?? '', /CardNotDrawn: the card could not be drawn/);
        assert.doesNotMatch(message?.lastError ?? '', /Alex|REQ-1001|justification/, `${key}: no request content`);
      }
      assert.equal((await rig.store.audit.list({ action: 'outbox.card-not-drawn' })).length, 0);
    });

    it("answers a request's recipe it cannot draw with a line naming only the request, recorded as a failure", async () => {
      const conv = await rig.addConversation('19:approvals@thread');
      await store(
        'bad:REQ-1001',
        conv,
        { type: 'message', drawAtSend: { card: 'poster', request: requests[0] } },
        {
          requestId: 'REQ-1001',
        },
      );
      await worker(drawer).drain();
      const [sent, ...more] = texts('19:approvals@thread');
      assert.equal(more.length, 0);
      assert.deepEqual(sent?.body.text, drawer.text(cardNotDrawnText('REQ-1001')).text);
      assert.equal(sent?.body.attachments, undefined, 'no card');
      const message = await rig.store.outbox.getByKey('bad:REQ-1001');
      assert.equal(message?.status, 'sent');
      const [record] = await rig.store.audit.list({ action: 'outbox.card-not-drawn' });
      assert.equal(record?.requestId, 'REQ-1001');
      assert.equal(record?.outcome, 'failure');
      assert.deepEqual(record?.details?.key, 'bad:REQ-1001');
      assert.match(String(record?.details?.reason), /unknown card recipe poster$/);
      assert.deepEqual(notDrawn, ['bad:REQ-1001 the card could not be drawn: unknown card recipe poster']);
    });

    it('answers a card over 80 KB with the line, in the conversation and in place of the card it edits', async () => {
      const conv = await rig.addConversation('19:approvals@thread');
      const big = oversized();
      assert.throws(() => drawer.approvalCard(big), /over 80 KB/, 'the card is indeed too large');
      await store('approval:REQ-1001', conv, deferred.approvalCard(requests[0] as GovernanceRequest), {
        requestId: 'REQ-1001',
      });
      await worker(drawer).drain();
      await store('approval:REQ-1001:v2', conv, deferred.approvalCard(big), {
        requestId: 'REQ-1001',
        updateOf: 'approval:REQ-1001',
      });
      await worker(drawer).drain();

      const [post, edit, ...more] = texts('19:approvals@thread');
      assert.equal(more.length, 0);
      assert.equal(post?.method, 'POST');
      assert.equal(edit?.method, 'PUT', 'the card is replaced in place');
      const line = 'REQ-1001 could not be shown as a card here. Ask me "status REQ-1001" to see it.';
      assert.equal(edit?.body.text, line);
      assert.equal(edit?.body.attachments, undefined);
      assert.doesNotMatch(JSON.stringify(edit?.body), /Secret budget|Alex|drawAtSend/);
      const message = await rig.store.outbox.getByKey('approval:REQ-1001:v2');
      assert.equal(message?.status, 'sent');
      assert.equal(message?.activityId, (await rig.store.outbox.getByKey('approval:REQ-1001'))?.activityId);
      const records = await rig.store.audit.list({ requestId: 'REQ-1001' });
      assert.equal(records.length, 1);
      assert.equal(records[0]?.action, 'outbox.card-not-drawn');
      assert.deepEqual(records[0]?.details, {
        key: 'approval:REQ-1001:v2',
        reason: 'the card could not be drawn: request-card: card is over 80 KB',
      });
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
