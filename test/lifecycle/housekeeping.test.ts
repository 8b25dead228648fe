// Retention: processed message ids and unused conversation references are pruned by a durable job that one replica
// of the fleet runs per round, so storage does not grow with every message; nothing the bot still needs goes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobRunner } from '../../src/execution/job-runner.js';
import {
  HOUSEKEEPING_INTERVAL_MS,
  HOUSEKEEPING_JOB,
  housekeepingJobHandler,
  scheduleHousekeeping,
} from '../../src/lifecycle/housekeeping.js';
import type { Store } from '../../src/requests/ports/store.js';
import { openSqliteStore } from '../../src/storage/sqlite-store.js';
import { type Harness, setUpChannels, startHarness } from '../support/bot-harness.js';
import { TENANT_ID, team, users } from '../support/fixture-ids.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-12-01T09:00:00Z');

describe('housekeeping: retention of de-duplication rows and conversation references', () => {
  describe('in the running bot', () => {
    let h: Harness;
    let now: number;
    beforeEach(async () => {
      now = T0;
      h = await startHarness({ clock: () => new Date(now), kickWorkers: false });
    });
    afterEach(async () => {
      await h.stop();
    });

    /** The same message (same activity id) as Teams would redeliver it. */
    const message = (id: string) => ({
      serviceUrl: h.connector.url,
      channelId: 'msteams',
      recipient: { id: '28:governance-bot', name: 'Governance' },
      type: 'message',
      id,
      timestamp: new Date(now).toISOString(),
      from: { id: `29:${users.alex.id}`, name: users.alex.name, aadObjectId: users.alex.id },
      conversation: { id: h.personalConversationId(users.alex), conversationType: 'personal', tenantId: TENANT_ID },
      channelData: { tenant: { id: TENANT_ID } },
      text: 'help',
    });
    const repliesToAlex = () => h.connector.messages(h.personalConversationId(users.alex)).length;
    const deliver = async (id: string) => {
      const res = await h.post(message(id));
      assert.equal(res.status, 200);
    };
    const liveRounds = async () =>
      (await h.bot.store.jobs.list({ kind: HOUSEKEEPING_JOB })).filter((j) => j.status === 'pending');

    it('forgets a processed message id after the retention, not before', async () => {
      await deliver('msg-1');
      await deliver('msg-1');
      assert.equal(repliesToAlex(), 1, 'a redelivery is answered once');

      now = T0 + DAY;
      await h.settle();
      await deliver('msg-1');
      assert.equal(repliesToAlex(), 1, 'still remembered a day later');

      now = T0 + 8 * DAY; // DEDUP_RETENTION_DAYS defaults to 7
      await h.settle();
      assert.equal(await h.bot.store.kv.get(`activity:${h.personalConversationId(users.alex)}:msg-1`), undefined);
      assert.equal((await liveRounds()).length, 1, 'each round schedules exactly the next one');
      // Rounds that ran more than the retention ago are gone too; the later ones (and the next) stay.
      const rounds = await h.bot.store.jobs.list({ kind: HOUSEKEEPING_JOB });
      assert.ok(rounds.length > 0);
      assert.ok(
        rounds.every((j) => j.status !== 'done' || Date.parse(j.runAt) >= now - 7 * DAY),
        JSON.stringify(rounds.map((j) => [j.status, j.runAt])),
      );
    });

    it('prunes references unused for the retention but keeps the configured channels', async () => {
      await setUpChannels(h, ['approvals', 'audit']);
      await deliver('msg-2');
      assert.ok(await h.bot.store.conversations.get(`personal:${users.alex.id}`));

      now = T0 + 200 * DAY; // CONVERSATION_RETENTION_DAYS defaults to 180
      await h.settle();
      assert.equal(await h.bot.store.conversations.get(`personal:${users.alex.id}`), undefined);
      assert.ok(await h.bot.store.conversations.get(`channel:${team.approvals}`), 'the approvals channel stays');
      assert.ok(await h.bot.store.conversations.get(`channel:${team.audit}`), 'the audit channel stays');

      // Alex writes again: the reference is back, and a proactive message can reach them.
      await deliver('msg-3');
      assert.ok(await h.bot.store.conversations.get(`personal:${users.alex.id}`));
    });
  });

  describe('across replicas', () => {
    let dir: string;
    const stores: Store[] = [];
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'govbot-housekeeping-'));
    });
    afterEach(async () => {
      for (const s of stores.splice(0)) await s.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('runs each round on one replica only, however many schedule and claim it', async () => {
      let now = T0;
      const clock = () => new Date(now);
      for (let i = 0; i < 3; i++) stores.push(await openSqliteStore({ dataDir: dir, clock }));
      for (const s of stores) await scheduleHousekeeping(s, clock());
      assert.equal((await stores[0]!.jobs.list({ kind: HOUSEKEEPING_JOB })).length, 1, 'one round scheduled');

      let rounds = 0;
      const runners = stores.map(
        (store) =>
          new JobRunner({
            store,
            clock,
            handlers: {
              [HOUSEKEEPING_JOB]: housekeepingJobHandler(
                store,
                { dedupRetentionMs: 7 * DAY, conversationRetentionMs: 180 * DAY },
                clock,
                () => rounds++,
              ),
            },
          }),
      );
      now = T0 + HOUSEKEEPING_INTERVAL_MS;
      await Promise.all(runners.map((r) => r.tick()));
      assert.equal(rounds, 1);
      await Promise.all(runners.map((r) => r.tick()));
      assert.equal(rounds, 1, 'the next round waits for its slot');
      const jobs = await stores[0]!.jobs.list({ kind: HOUSEKEEPING_JOB });
      assert.deepEqual(
        jobs.map((j) => j.status),
        ['done', 'pending'],
      );
      assert.ok(Date.parse(jobs[1]!.runAt) > now);
    });
  });
});
