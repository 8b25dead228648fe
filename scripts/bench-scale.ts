// Scale-out figures, printed (nothing asserted): one bot process on SQLite, one on PostgreSQL, and three replicas
// on PostgreSQL behind a round-robin proxy, each against one simulated tenant process and a Bot Connector double
// that enforces Teams' per-conversation windows. Per set-up:
//   - requests filed per second (N makers filing at once, until every request is stored),
//   - approval invokes answered per second, with p50/p99 latency (approvals sent 10 at a time),
//   - outbox messages per second, and the busiest conversation's count in each of Teams' windows,
//   - audit appends per second with 8 concurrent writers spread over the set-up's processes (after the fleet
//     stopped: one store per process, as the replicas' pools would be).
// Wall time and CPU time (the bot processes' own, from /proc) are printed side by side: the machine is shared.
//   npm run bench:scale                  (60 makers per set-up)
//   npm run bench:scale -- --makers 120
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { verifyChain } from '../src/audit/verify.js';
import type { Store } from '../src/requests/ports/store.js';
import { openStore } from '../src/storage/open-store.js';
import { approveInChannel, setUpChannels } from '../test/support/bot-harness.js';
import {
  actionsOf,
  type ConnectorCall,
  cardText,
  firstCard,
  TEAMS_CONVERSATION_LIMITS,
} from '../test/support/connector-double.js';
import { team, users } from '../test/support/fixture-ids.js';
import { type Fleet, startFleet } from '../test/support/fleet.js';
import { createThrowawayDatabase, dropDatabase } from '../test/support/postgres.js';
import { seededMaker } from '../test/support/seed-tenant.js';

const argMakers = process.argv.indexOf('--makers');
const MAKERS = argMakers > 0 ? Number(process.argv[argMakers + 1]) : 60;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function waitUntil<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 600_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function approveData(post: ConnectorCall): Record<string, unknown> | undefined {
  return actionsOf(firstCard(post.body), 'approve')[0]?.data;
}

interface Row {
  label: string;
  filedPerS: number;
  approvalsPerS: number;
  p50: number;
  p99: number;
  outboxPerS: number;
  peaks: string;
  throttled: number;
  cpuS: number;
  wallS: number;
  auditPerS?: number;
}
const rows: Row[] = [];

/** CPU seconds (user + system) a process has used so far, from /proc (0 when it is gone). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s)
  } catch {
    return 0;
  }
}

/** Audit appends per second: 8 writers spread over `processes` stores on one database, for `seconds`. */
async function auditAppends(open: () => Promise<Store>, processes: number, seconds = 4): Promise<number> {
  const stores = await Promise.all(Array.from({ length: processes }, open));
  const deadline = Date.now() + seconds * 1000;
  let total = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      const store = stores[w % processes]!;
      while (Date.now() < deadline) {
        await store.audit.append({
          at: new Date().toISOString(),
          actorId: `writer-${w}`,
          action: 'bench.append',
          outcome: 'info',
        });
        total++;
      }
    }),
  );
  const rate = total / ((performance.now() - started) / 1000);
  if (!verifyChain(await stores[0]!.audit.list()).ok) throw new Error('the audit chain does not verify');
  for (const store of stores) await store.close();
  return rate;
}

async function conversationRun(label: string, fleet: Fleet, store: Store): Promise<Row> {
  const wallStart = performance.now();
  await setUpChannels(fleet.teams, ['approvals', 'audit']);
  const makers = Array.from({ length: MAKERS }, (_, i) => seededMaker(i + 1));
  const ids = new Set(makers.map((m) => m.id));
  const mine = async () => (await store.requests.list({ limit: 10_000 })).filter((r) => ids.has(r.requester.id));

  const fileStart = performance.now();
  await Promise.all(makers.map((m) => fleet.teams.personal(m, 'request maker role in Marketing Sandbox')));
  const filed = await waitUntil(async () => {
    const all = await mine();
    return all.length >= MAKERS ? all : undefined;
  });
  const fileSeconds = (performance.now() - fileStart) / 1000;

  // Approval cards reach the approvals channel at Teams' pace (60 per 30 s): wait for them all.
  const cards = await waitUntil(() => {
    const posts = fleet.connector
      .messages(team.approvals)
      .filter((c) => c.method === 'POST' && filed.some((r) => cardText(firstCard(c.body)).includes(r.id)));
    return posts.length >= MAKERS ? posts : undefined;
  });
  const latencies: number[] = [];
  const queue = [...cards];
  const approveStart = performance.now();
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      for (let card = queue.shift(); card; card = queue.shift()) {
        const data = approveData(card);
        if (!data) continue;
        const t = performance.now();
        await approveInChannel(fleet.teams, users.megan, card.id, data);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const approveSeconds = (performance.now() - approveStart) / 1000;
  await waitUntil(async () => ((await mine()).every((r) => r.status === 'completed') ? true : undefined));

  const messages = fleet.connector.calls.filter((c) => c.body.type === 'message');
  const span = ((messages.at(-1)?.at ?? 0) - (messages[0]?.at ?? 0)) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  const peaks = fleet.connector.peakPerWindow();
  const cpuS = fleet.replicas.reduce((sum, r) => sum + cpuSeconds(r?.child.pid), 0);
  const wallS = (performance.now() - wallStart) / 1000;
  console.log(`\n${label}`);
  console.log(
    `  requests filed:      ${MAKERS} in ${fileSeconds.toFixed(1)} s = ${(MAKERS / fileSeconds).toFixed(1)} /s`,
  );
  console.log(
    `  approval invokes:    ${latencies.length} in ${approveSeconds.toFixed(1)} s = ${(latencies.length / approveSeconds).toFixed(1)} /s, p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms`,
  );
  console.log(
    `  outbox (all sends):  ${messages.length} messages in ${span.toFixed(1)} s = ${(messages.length / Math.max(span, 0.001)).toFixed(1)} /s; 429s from the connector: ${fleet.connector.throttled.length}`,
  );
  console.log(
    `  busiest conversation per window: ${TEAMS_CONVERSATION_LIMITS.map((l) => `${peaks[l.label]} (limit ${l.label})`).join(', ')}`,
  );
  console.log(`  bot processes' CPU: ${cpuS.toFixed(1)} s in ${wallS.toFixed(1)} s of wall time`);
  return {
    label,
    filedPerS: MAKERS / fileSeconds,
    approvalsPerS: latencies.length / approveSeconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    outboxPerS: messages.length / Math.max(span, 0.001),
    peaks: TEAMS_CONVERSATION_LIMITS.map((l) => `${peaks[l.label]}/${l.max}`).join(' '),
    throttled: fleet.connector.throttled.length,
    cpuS,
    wallS,
  };
}

async function withFleet(label: string, replicas: number, databaseUrl: string | undefined): Promise<Row> {
  const fleet = await startFleet({
    databaseUrl: databaseUrl ?? '',
    replicas,
    makers: MAKERS,
    env: databaseUrl ? {} : { DATABASE_URL: '' },
  });
  const store = await openStore({ DATABASE_URL: databaseUrl, DATA_DIR: `${fleet.dataDir}/replica-0` });
  try {
    return await conversationRun(label, fleet, store);
  } finally {
    await store.close();
    await fleet.stop();
  }
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
console.log(
  `Scale benchmark: ${MAKERS} makers per set-up, on ${(await import('node:os')).cpus().length} cores; load average ${load()}`,
);
const sqlite = await withFleet('SQLite, one process', 1, undefined);
const dir = mkdtempSync(join(tmpdir(), 'govbot-bench-scale-'));
try {
  sqlite.auditPerS = await auditAppends(() => openStore({ DATA_DIR: dir }), 1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
rows.push(sqlite);
for (const replicas of [1, 3]) {
  const db = await createThrowawayDatabase('govbot_bench');
  try {
    const row = await withFleet(
      `PostgreSQL, ${replicas === 1 ? 'one process' : `${replicas} replicas`}`,
      replicas,
      db.url,
    );
    row.auditPerS = await auditAppends(() => openStore({ DATABASE_URL: db.url, DATA_DIR: tmpdir() }), replicas);
    rows.push(row);
  } finally {
    await dropDatabase(db.name);
  }
}

const cols = [
  'set-up',
  'filed/s',
  'approvals/s',
  'p50 ms',
  'p99 ms',
  'audit/s (8 w)',
  'outbox/s',
  'peak/limit 1s 2s 30s',
  '429s',
  'CPU s / wall s',
];
const table = rows.map((r) => [
  r.label,
  r.filedPerS.toFixed(1),
  r.approvalsPerS.toFixed(1),
  r.p50.toFixed(0),
  r.p99.toFixed(0),
  (r.auditPerS ?? 0).toFixed(0),
  r.outboxPerS.toFixed(1),
  r.peaks,
  String(r.throttled),
  `${r.cpuS.toFixed(1)} / ${r.wallS.toFixed(1)}`,
]);
const widths = cols.map((c, i) => Math.max(c.length, ...table.map((t) => t[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
console.log(`\n${line(cols)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}`);
for (const t of table) console.log(line(t));
console.log(
  `(Teams: 7 per 1 s, 8 per 2 s, 60 per 30 s per conversation; 30/s per app and tenant.) Load average now ${load()}`,
);
