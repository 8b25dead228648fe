// Scale-out figures, printed (nothing asserted): one bot process on SQLite, one on PostgreSQL, and three replicas
// on PostgreSQL behind a round-robin proxy, each against one simulated tenant process and a Bot Connector double
// that enforces Teams' per-conversation windows. Per set-up:
//   - requests filed per second (N makers filing at once, until every request is stored),
//   - approval invokes answered per second, with p50/p99 latency (approvals sent 10 at a time),
//   - outbox messages per second, and the busiest conversation's count in each of Teams' windows,
// (audit appends per second with 8 concurrent writers: npm run bench:audit).
//   npm run bench:scale                  (60 makers per set-up)
//   npm run bench:scale -- --makers 120
import { performance } from 'node:perf_hooks';
import type { Store } from '../src/requests/ports/store.js';
import { openStore } from '../src/storage/open-store.js';
import { approveInChannel, setUpChannels } from '../test/support/bot-harness.js';
import {
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
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown) => {
    if (found || !node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.Execute' && o.verb === 'approve') found = o.data as Record<string, unknown>;
    for (const v of Object.values(o)) walk(v);
  };
  walk(firstCard(post.body));
  return found;
}

async function conversationRun(label: string, fleet: Fleet, store: Store): Promise<void> {
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
}

async function withFleet(label: string, replicas: number, databaseUrl: string | undefined): Promise<void> {
  const fleet = await startFleet({
    databaseUrl: databaseUrl ?? '',
    replicas,
    makers: MAKERS,
    env: databaseUrl ? {} : { DATABASE_URL: '' },
  });
  const store = await openStore({ DATABASE_URL: databaseUrl, DATA_DIR: `${fleet.dataDir}/replica-0` });
  try {
    await conversationRun(label, fleet, store);
  } finally {
    await store.close();
    await fleet.stop();
  }
}

console.log(`Scale benchmark: ${MAKERS} makers per set-up, on ${(await import('node:os')).cpus().length} cores`);
await withFleet('SQLite, one process', 1, undefined);
for (const replicas of [1, 3]) {
  const db = await createThrowawayDatabase('govbot_bench');
  try {
    await withFleet(
      `PostgreSQL, ${replicas === 1 ? 'one process' : `${replicas} replicas behind the proxy`}`,
      replicas,
      db.url,
    );
  } finally {
    await dropDatabase(db.name);
  }
}

console.log('\nAudit appends per second with 8 concurrent writers: npm run bench:audit');
