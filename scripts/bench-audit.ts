// Audit appends per second with 8 concurrent writers (8 stores = 8 connections, as 8 replicas would be), on SQLite
// (one file) and on PostgreSQL (a throw-away database on PG_ADMIN_URL's server). Every append takes the chain-head
// row lock, so this measures the price of "one chain, no forks, no gaps". Prints figures; asserts nothing, but says
// whether the chain it produced verifies.
//   npm run bench:audit                    (5 s per database)
//   npm run bench:audit -- --seconds 2
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyChain } from '../src/audit/verify.js';
import type { Store } from '../src/requests/ports/store.js';
import { openPostgresStore } from '../src/storage/postgres-store.js';
import { openSqliteStore } from '../src/storage/sqlite-store.js';
import { createThrowawayDatabase, dropDatabase } from '../test/support/postgres.js';

const WRITERS = 8;
const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 5;

async function run(label: string, open: () => Promise<Store>): Promise<void> {
  const stores = await Promise.all(Array.from({ length: WRITERS }, open));
  const deadline = Date.now() + SECONDS * 1000;
  const counts = new Array<number>(WRITERS).fill(0);
  const started = performance.now();
  await Promise.all(
    stores.map(async (store, w) => {
      while (Date.now() < deadline) {
        await store.audit.append({
          at: new Date().toISOString(),
          actorId: `writer-${w}`,
          action: 'bench.append',
          outcome: 'info',
          details: { n: counts[w] },
        });
        counts[w] = (counts[w] ?? 0) + 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const total = counts.reduce((a, b) => a + b, 0);
  const chain = await stores[0]!.audit.list();
  const verdict = verifyChain(chain);
  console.log(
    `${label.padEnd(10)} ${WRITERS} writers  ${total} appends in ${elapsed.toFixed(1)} s  = ${(total / elapsed).toFixed(0)} appends/s` +
      `  (per writer ${counts.join('/')}; chain of ${chain.length}: ${verdict.ok ? 'verifies' : 'BROKEN'})`,
  );
  for (const store of stores) await store.close();
}

const dir = mkdtempSync(join(tmpdir(), 'govbot-bench-audit-'));
try {
  await run('sqlite', () => openSqliteStore({ dataDir: dir }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const db = await createThrowawayDatabase('govbot_bench');
try {
  // One migration first, so the 8 openers do not all queue on the migration lock.
  await (await openPostgresStore({ connectionString: db.url })).close();
  await run('postgres', () => openPostgresStore({ connectionString: db.url, maxConnections: 2 }));
} finally {
  await dropDatabase(db.name);
}
