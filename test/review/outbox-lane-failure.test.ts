// A storage failure while a lane records a delivery must reach onError, not escape as an unhandled promise
// rejection (which stops a Node process) when the worker runs on its timer.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from '../../src/outbox/messages.js';
import type { Notifier } from '../../src/outbox/notifier.js';
import { OutboxWorker } from '../../src/outbox/outbox-worker.js';
import type { Store } from '../../src/requests/ports/store.js';
import { openSqliteStore } from '../../src/storage/sqlite-store.js';

describe('review: outbox lane failures', () => {
  let dataDir: string;
  let store: Store;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => void rejections.push(reason);
  let mochaListeners: NodeJS.UnhandledRejectionListener[] = [];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'govbot-review-outbox-'));
    store = await openSqliteStore({ dataDir, clock: () => new Date() });
    // Count unhandled rejections ourselves for the length of the test.
    mochaListeners = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    process.on('unhandledRejection', onRejection);
  });
  afterEach(() => {
    process.removeListener('unhandledRejection', onRejection);
    for (const l of mochaListeners) process.on('unhandledRejection', l);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports a lane that fails to record its outcome instead of rejecting unhandled', async () => {
    await store.conversations.upsert({
      key: 'channel:c1',
      reference: { conversation: { id: 'c1' } },
      updatedAt: new Date().toISOString(),
    });
    await store.outbox.enqueue({
      idempotencyKey: 'k1',
      conversationKey: 'channel:c1',
      operation: 'send',
      activity: { type: 'message', text: 'hi' },
      createdAt: new Date().toISOString(),
    });
    let sent = 0;
    // The post leaves, then the database goes away before its outcome is stored.
    const notifier: Notifier = {
      async send(_reference: Record<string, unknown>, _activity: Activity) {
        sent++;
        await store.close();
        return { activityId: 'a1' };
      },
      async update() {},
    };
    const errors: unknown[] = [];
    const worker = new OutboxWorker({
      store,
      notifier,
      clock: () => new Date(),
      pollMs: 60_000,
      onError: (error) => void errors.push(error),
    });
    worker.start();
    for (let i = 0; i < 50 && sent === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    await worker.stop();
    assert.equal(sent, 1);
    assert.deepEqual(rejections, []);
    assert.ok(errors.length > 0, 'the failure reached onError');
  });
});
