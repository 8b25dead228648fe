// The Notifier port's contract: what the outbox worker relies on from any implementation. Run against the Teams
// implementation (CloudAdapter → HTTP Bot Connector double) and the in-memory one (notifier.test.ts).
import assert from 'node:assert/strict';
import { DeliveryError, type Notifier } from '../../src/outbox/notifier.js';

export interface NotifierFixture {
  notifier: Notifier;
  /** A stored conversation reference for a conversation id, as the bot would keep it. */
  reference(conversationId: string): Record<string, unknown>;
  /** The next n posts are refused with 429 and Retry-After (seconds). */
  throttleNext(n: number, retryAfterSeconds: number): void;
  /** The next call is refused with a final status and the connector's error code. */
  refuseNext(status: 403 | 404, code: string): void;
  /** What a reader of the conversation sees now: each message's id and current text, in post order. */
  visible(conversationId: string): { activityId: string; text: string }[];
  stop(): Promise<void>;
}

const text = (t: string) => ({ type: 'message', text: t });

export function notifierContract(name: string, make: () => Promise<NotifierFixture>): void {
  describe(`Notifier contract: ${name}`, () => {
    let f: NotifierFixture;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(async () => {
      await f.stop();
    });

    it('posts a message and returns the id it got', async () => {
      const { activityId } = await f.notifier.send(f.reference('conv-a'), text('hello'));
      assert.ok(activityId, 'an activity id');
      assert.deepEqual(f.visible('conv-a'), [{ activityId, text: 'hello' }]);
      assert.deepEqual(f.visible('conv-b'), []);
    });

    it('keeps posts in the order they were sent', async () => {
      for (const t of ['one', 'two', 'three']) await f.notifier.send(f.reference('conv-a'), text(t));
      assert.deepEqual(
        f.visible('conv-a').map((m) => m.text),
        ['one', 'two', 'three'],
      );
    });

    it('edits a message in place: same id, new content, no new post', async () => {
      const { activityId } = await f.notifier.send(f.reference('conv-a'), text('pending'));
      assert.ok(activityId);
      await f.notifier.update(f.reference('conv-a'), activityId, text('approved'));
      await f.notifier.update(f.reference('conv-a'), activityId, text('approved')); // a repeat changes nothing
      assert.deepEqual(f.visible('conv-a'), [{ activityId, text: 'approved' }]);
    });

    it('reports throttling as a retryable DeliveryError carrying Retry-After', async () => {
      f.throttleNext(1, 7);
      await assert.rejects(f.notifier.send(f.reference('conv-a'), text('x')), (e: unknown) => {
        assert.ok(e instanceof DeliveryError, `got ${String(e)}`);
        assert.equal(e.status, 429);
        assert.equal(e.retryAfterMs, 7000);
        assert.equal(e.retryable, true);
        return true;
      });
      assert.deepEqual(f.visible('conv-a'), [], 'nothing was posted');
      const { activityId } = await f.notifier.send(f.reference('conv-a'), text('x'));
      assert.deepEqual(f.visible('conv-a'), [{ activityId, text: 'x' }]);
    });

    for (const [status, code] of [
      [403, 'ConversationBlockedByUser'],
      [404, 'ConversationNotFound'],
    ] as const) {
      it(`reports a ${status} ${code} as a final DeliveryError with its code (never as sent)`, async () => {
        f.refuseNext(status, code);
        await assert.rejects(f.notifier.send(f.reference('conv-a'), text('x')), (e: unknown) => {
          assert.ok(e instanceof DeliveryError, `got ${String(e)}`);
          assert.equal(e.status, status);
          assert.equal(e.code, code);
          assert.equal(e.final, true);
          assert.equal(e.retryable, false);
          return true;
        });
        assert.deepEqual(f.visible('conv-a'), []);
      });
    }

    it('reports an edit of a vanished message as messageGone, not as a gone conversation', async () => {
      await assert.rejects(f.notifier.update(f.reference('conv-a'), 'no-such-activity', text('x')), (e: unknown) => {
        assert.ok(e instanceof DeliveryError, `got ${String(e)}`);
        assert.equal(e.status, 404);
        assert.equal(e.messageGone, true);
        return true;
      });
    });
  });
}
