// How long an approval's write transaction holds the event loop when approvals come in bursts: 40 transactions shaped
// like an approval's (a request update, an audit record, a job, three outbox cards: ~20 WAL pages), back to back, then
// a pause, as bench:approvals' bursts of clicks. A WAL checkpoint inside a commit (copying ~1,000 pages into the
// database file and syncing both) is the long tail. Wall clock per transaction, on a SQLite file.
//   node --import tsx scripts/bench/commit-stalls.ts [--bursts 25] [--pause 400]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteStore } from '../../src/storage/sqlite-store.js';
import { AdaptiveCardComposer } from '../../src/teams/cards/composer.js';
import { makeRequest, T0 } from '../../test/storage/store.contract.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const bursts = arg('--bursts', 25);
const pauseMs = arg('--pause', 400);

const composer = new AdaptiveCardComposer();
const dir = mkdtempSync(join(tmpdir(), 'govbot-commit-stalls-'));
const store = await openSqliteStore({ dataDir: dir });
try {
  const card = composer.approvalCard(makeRequest('REQ-1', { createdAt: T0, updatedAt: T0 }));
  const times: number[] = [];
  /** The first transaction of each burst: it writes the WAL from its start again after a checkpoint. */
  const firsts: number[] = [];
  for (let b = 0; b < bursts; b++) {
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const id = await store.requests.nextId();
      await store.requests.insert(makeRequest(id, { createdAt: T0, updatedAt: T0 }));
      ids.push(id);
    }
    await sleep(pauseMs);
    for (const id of ids) {
      const start = performance.now();
      await store.transaction(async (s) => {
        const stored = await s.requests.get(id);
        if (!stored) throw new Error(`${id} missing`);
        await s.requests.update({ ...stored, status: 'approved' }, stored.version);
        await s.audit.append({ at: T0, actorId: 'u', action: 'request.approved', outcome: 'success', requestId: id });
        await s.jobs.enqueue({ kind: 'execute', payload: { requestId: id }, runAt: T0, dedupeKey: `execute:${id}` });
        for (const key of ['approval-card', 'receipt', 'update'])
          await s.outbox.enqueue({
            idempotencyKey: `${key}:${id}`,
            conversationKey: 'channel:approvals',
            operation: 'send',
            activity: card,
            requestId: id,
            createdAt: T0,
          });
      });
      times.push(performance.now() - start);
      if (id === ids[0]) firsts.push(performance.now() - start);
    }
    await sleep(pauseMs);
  }
  times.sort((a, b) => a - b);
  firsts.sort((a, b) => a - b);
  const q = (p: number) => (times[Math.floor(p * (times.length - 1))] ?? 0).toFixed(2);
  const firstMedian = (firsts[Math.floor(firsts.length / 2)] ?? 0).toFixed(2);
  console.log(
    `${times.length} approval transactions in ${bursts} bursts of 40: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms; ` +
      `over 3 ms: ${times.filter((t) => t > 3).length}; the first of a burst: median ${firstMedian} ms`,
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
