// Per-operation CPU of the store calls the filing and approve paths make, on SQLite (a WAL file, as the bot runs)
// and, with --pg, on PostgreSQL: what one query costs through kysely, the driver and the row codecs.
//   node --import tsx scripts/bench/store-ops.ts [--rounds 2000] [--pg postgres://postgres@127.0.0.1:5432/postgres]
// CPU time (process.cpuUsage) rather than wall-clock, so a busy machine inflates the figures less.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Store, StoreSession } from '../../src/requests/ports/store.js';
import { openPostgresStore } from '../../src/storage/postgres-store.js';
import { openSqliteStore } from '../../src/storage/sqlite-store.js';
import { AdaptiveCardComposer } from '../../src/teams/cards/composer.js';
import { makeRequest, T0 } from '../../test/storage/store.contract.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const rounds = Number(arg('--rounds') ?? 2000);
const pgAdminUrl = arg('--pg');

const composer = new AdaptiveCardComposer();
const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/** CPU per call of each named operation, in µs. */
class Figures {
  readonly #totals = new Map<string, { us: number; n: number }>();
  async time<T>(name: string, run: () => Promise<T>): Promise<T> {
    const start = cpuUs();
    const result = await run();
    const t = this.#totals.get(name) ?? { us: 0, n: 0 };
    t.us += cpuUs() - start;
    t.n++;
    this.#totals.set(name, t);
    return result;
  }
  print(title: string) {
    console.log(`\n${title}: CPU per call (µs), ${rounds} rounds`);
    for (const [name, { us, n }] of this.#totals) console.log(`${(us / n).toFixed(1).padStart(9)}  ${name}`);
  }
}

/** The store calls of one filed request, then of its approval, in the order the services make them. */
async function fileAndApprove(store: Store, f: Figures, i: number) {
  const id = await f.time('requests.nextId', () => store.requests.nextId());
  const request = makeRequest(id, { createdAt: T0, updatedAt: T0 });
  const card = composer.approvalCard(request);
  await f.time('filing transaction (whole)', () =>
    store.transaction(async (s: StoreSession) => {
      await f.time('requests.insert', () => s.requests.insert(request));
      await f.time('audit.append', () =>
        s.audit.append({ at: T0, actorId: 'user-1', action: 'request.created', outcome: 'success' }),
      );
      await f.time('channels.get', () => s.channels.get('approvals'));
      await f.time('outbox.getByKey (miss)', () => s.outbox.getByKey(`approval-card:${id}`));
      await f.time('outbox.enqueue', () =>
        s.outbox.enqueue({
          idempotencyKey: `approval-card:${id}`,
          conversationKey: 'channel:approvals',
          operation: 'send',
          activity: card,
          requestId: id,
          createdAt: T0,
        }),
      );
      await f.time('kv.get', () => s.kv.get(`card-copies:${id}`));
      await f.time('conversations.get', () => s.conversations.get('personal:user-1'));
      await f.time('jobs.enqueue', () =>
        s.jobs.enqueue({ kind: 'reminder', payload: { requestId: id }, runAt: T0, dedupeKey: `reminder:${id}:1` }),
      );
    }),
  );
  await f.time('approve transaction (whole)', () =>
    store.transaction(async (s: StoreSession) => {
      const stored = await f.time('requests.get', () => s.requests.get(id));
      if (!stored) throw new Error(`${id} not stored`);
      const approved = { ...stored, status: 'approved' as const, updatedAt: T0 };
      await f.time('requests.update', () => s.requests.update(approved, stored.version));
      await f.time('audit.append', () =>
        s.audit.append({ at: T0, actorId: 'user-2', action: 'request.approved', outcome: 'success' }),
      );
      await f.time('jobs.cancelByPrefix', () => s.jobs.cancelByPrefix(`reminder:${id}:`));
      await f.time('outbox.getByKey (hit)', () => s.outbox.getByKey(`approval-card:${id}`));
      await f.time('outbox.enqueue', () =>
        s.outbox.enqueue({
          idempotencyKey: `approval-card:${id}:v2`,
          conversationKey: 'channel:approvals',
          operation: 'update',
          updateOf: `approval-card:${id}`,
          activity: composer.approvalCard({ ...approved, version: stored.version + 1 }),
          requestId: id,
          createdAt: T0,
        }),
      );
      await f.time('jobs.enqueue', () =>
        s.jobs.enqueue({ kind: 'execute', payload: { requestId: id }, runAt: T0, dedupeKey: `execute:${id}` }),
      );
    }),
  );
  if (i % 10 === 0) await f.time('kv.set', () => store.kv.set(`seen:${i}`, { at: T0 }));
  // Every incoming message marks its activity id first (a redelivery is answered once): a new mark, then a repeat.
  await f.time('kv.setIfAbsent (message mark)', () => store.kv.setIfAbsent(`activity:c:${i}`, T0));
  await f.time('kv.setIfAbsent (message mark)', () => store.kv.setIfAbsent(`activity:c:${i}`, T0));
  // The executor claims and finishes the job; here it is cancelled, so pending jobs stay as few as in the bot.
  await store.jobs.cancelByPrefix(`execute:${id}`);
}

async function measure(title: string, open: () => Promise<Store>) {
  const store = await open();
  try {
    await store.channels.set({ kind: 'approvals', conversationKey: 'channel:approvals', setBy: 'admin', setAt: T0 });
    // Warm-up (JIT, statement cache), not counted.
    for (let i = 0; i < 200; i++) await fileAndApprove(store, new Figures(), i);
    const f = new Figures();
    for (let i = 0; i < rounds; i++) await fileAndApprove(store, f, i);
    f.print(title);
  } finally {
    await store.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'govbot-store-ops-'));
try {
  await measure('SQLite (WAL file)', () => openSqliteStore({ dataDir: dir }));
  if (pgAdminUrl) {
    const name = `govbot_store_ops_${process.pid}`;
    const admin = new pg.Client({ connectionString: pgAdminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(pgAdminUrl);
      url.pathname = `/${name}`;
      await measure('PostgreSQL', () => openPostgresStore({ connectionString: url.toString() }));
    } finally {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
