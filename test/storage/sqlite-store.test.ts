import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import type { Store } from '../../src/requests/ports/store.js';
import { computeAuditHash } from '../../src/storage/audit-hash.js';
import { openSqliteStore } from '../../src/storage/sqlite-store.js';
import { recordStatements } from '../support/statement-log.js';
import { walPagesByTree } from '../support/wal-pages.js';
import { at, describeStoreContract, makeRequest, T0 } from './store.contract.js';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'govbot-store-'));
  tempDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

let lastDir = '';
describeStoreContract('sqlite file', {
  open: () => {
    lastDir = join(tempDir(), 'nested', 'data');
    return openSqliteStore({ dataDir: lastDir });
  },
  openSibling: () => openSqliteStore({ dataDir: lastDir }),
});
describeStoreContract('sqlite :memory:', { open: () => openSqliteStore({ filename: ':memory:' }) });

describe('SqliteStore', () => {
  const open: Store[] = [];
  const track = (s: Store) => {
    open.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  it('creates <dataDir>/govbot.sqlite in WAL mode with foreign keys', async () => {
    const dir = join(tempDir(), 'deep', 'er');
    track(await openSqliteStore({ dataDir: dir }));
    const file = join(dir, 'govbot.sqlite');
    assert.ok(existsSync(file));
    const raw = new SQLite(file, { readonly: true });
    try {
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      const tables = raw
        .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
        .pluck()
        .all();
      for (const t of ['audit', 'channels', 'conversations', 'jobs', 'kv', 'outbox', 'request_seq', 'requests']) {
        assert.ok(tables.includes(t), `table ${t}`);
      }
      const indexes = raw.prepare("select name from sqlite_master where type = 'index'").pluck().all();
      for (const i of [
        'requests_requester_status',
        'jobs_pending_due',
        'outbox_due',
        'audit_request',
        'jobs_live_dedupe',
      ]) {
        assert.ok(indexes.includes(i), `index ${i}`);
      }
    } finally {
      raw.close();
    }
  });

  it('runs migrations once: reopening an existing database keeps its data and sequence', async () => {
    const dir = tempDir();
    const first = await openSqliteStore({ dataDir: dir });
    assert.equal(await first.requests.nextId(), 'REQ-1001');
    await first.close();
    await first.close(); // idempotent
    const second = track(await openSqliteStore({ dataDir: dir }));
    assert.equal(await second.requests.nextId(), 'REQ-1002');
  });

  it('writes no index an approval does not need: its filing time, its outbox rows by request, jobs by lease', async () => {
    const dir = tempDir();
    const store = track(await openSqliteStore({ dataDir: dir }));
    const id = await store.requests.nextId();
    const message = (key: string) => ({
      idempotencyKey: key,
      conversationKey: 'channel:approvals',
      operation: 'send' as const,
      activity: { type: 'message', text: key },
      requestId: id,
      createdAt: T0,
    });
    await store.transaction(async (s) => {
      await s.requests.insert(makeRequest(id));
      await s.outbox.enqueue(message(`approval-card:${id}`));
      await s.jobs.enqueue({ kind: 'remind', payload: {}, runAt: at(60), dedupeKey: `pending:${id}:remind:1` });
    });
    const raw = new SQLite(join(dir, 'govbot.sqlite'));
    try {
      raw.pragma('wal_checkpoint(TRUNCATE)');
      await store.transaction(async (s) => {
        await s.requests.update(makeRequest(id, { status: 'approved', updatedAt: at(5) }), 1);
        await s.outbox.enqueue(message(`approval-card-update:${id}:2`));
        await s.jobs.enqueue({ kind: 'execute', payload: {}, runAt: at(5), dedupeKey: `execute:${id}` });
        await s.jobs.cancelByPrefix(`pending:${id}:`);
      });
      const written = walPagesByTree(join(dir, 'govbot.sqlite-wal'), raw);
      // What changed is written (the status's indexes, the new outbox row's, the jobs' by status and run time)…
      for (const tree of ['requests_status_created', 'requests_requester_status', 'outbox_due', 'jobs_pending_due'])
        assert.ok(written.has(tree), `${tree} written: ${[...written.keys()]}`);
      // …and nothing else: no query reads outbox rows by request or running jobs by lease, and the filing time stays.
      for (const tree of ['requests_created', 'outbox_request', 'jobs_running_lease'])
        assert.ok(!written.has(tree), `${tree} not written: ${[...written.keys()]}`);
    } finally {
      raw.close();
    }
    assert.equal((await store.requests.list({ status: ['approved'] }))[0]?.createdAt, T0);
  });

  it('cancels a request’s jobs through the live jobs’ key index, not by reading every pending job', async () => {
    const dir = tempDir();
    const store = track(await openSqliteStore({ dataDir: dir }));
    await store.jobs.enqueue({ kind: 'remind', payload: {}, runAt: at(60), dedupeKey: 'pending:REQ-1001:remind:1' });
    const log = recordStatements();
    try {
      assert.equal(await store.jobs.cancelByPrefix('pending:REQ-1001:', 'grant:REQ-1000:'), 1);
    } finally {
      log.stop();
    }
    const [cancel] = log.statements.map((s) => s.sql).filter((s) => /^update/i.test(s.trim()));
    assert.ok(cancel);
    const raw = new SQLite(join(dir, 'govbot.sqlite'), { readonly: true });
    try {
      const slots = (cancel.match(/\?/g) ?? []).length;
      const plan = raw.prepare(`explain query plan ${cancel}`).all(...Array.from({ length: slots }, () => null)) as {
        detail: string;
      }[];
      assert.match(
        plan.map((p) => p.detail).join('; '),
        /USING INDEX jobs_live_dedupe \(dedupe_key>\? AND dedupe_key<\?\)/,
      );
    } finally {
      raw.close();
    }
  });

  it('keeps data across a crash: an unfinished job is claimable again once its lease expires', async () => {
    const dir = tempDir();
    const bot = await openSqliteStore({ dataDir: dir });
    const id = await bot.requests.nextId();
    await bot.transaction(async (s) => {
      await s.requests.insert(makeRequest(id));
      await s.audit.append({ at: T0, actorId: 'user-1', action: 'request.created', outcome: 'success', requestId: id });
      await s.jobs.enqueue({ kind: 'execute', payload: { requestId: id }, runAt: T0, dedupeKey: `execute:${id}` });
    });
    const [claimed] = await bot.jobs.claimDue(at(0), at(5), 10);
    assert.equal(claimed?.payload['requestId'], id);
    // The worker dies mid-job: never completes or fails it.
    await bot.close();

    const restarted = track(await openSqliteStore({ dataDir: dir }));
    assert.deepEqual(await restarted.requests.get(id), makeRequest(id));
    assert.equal((await restarted.audit.list({ requestId: id })).length, 1);
    // Still leased: not handed out early, and not enqueued twice.
    assert.deepEqual(await restarted.jobs.claimDue(at(1), at(6), 10), []);
    assert.equal(
      await restarted.jobs.enqueue({ kind: 'execute', payload: {}, runAt: T0, dedupeKey: `execute:${id}` }),
      undefined,
    );
    const [again] = await restarted.jobs.claimDue(at(6), at(11), 10);
    assert.equal(again?.id, claimed!.id);
    assert.equal(again?.attempts, 2);
    await restarted.jobs.complete(again!.id, again!.attempts);
    assert.equal((await restarted.jobs.list({ status: 'done' })).length, 1);
  });

  it('lets two stores on the same file (bot and ops CLI) see each other’s committed writes', async () => {
    const dir = tempDir();
    const bot = track(await openSqliteStore({ dataDir: dir }));
    const cli = track(await openSqliteStore({ dataDir: dir }));

    await bot.requests.insert(makeRequest('REQ-1001'));
    assert.equal((await cli.requests.get('REQ-1001'))?.status, 'pending');

    // Optimistic concurrency holds across connections: exactly one approver wins.
    const results = await Promise.all([
      bot.requests.update(makeRequest('REQ-1001', { status: 'approved' }), 1),
      cli.requests.update(makeRequest('REQ-1001', { status: 'rejected' }), 1),
    ]);
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal((await bot.requests.get('REQ-1001'))?.version, 2);

    // The CLI revives a dead message; the bot's outbox worker sees it.
    const m = (await bot.outbox.enqueue({
      idempotencyKey: 'card:REQ-1001',
      conversationKey: 'channel:19:a',
      operation: 'send',
      activity: { type: 'message' },
      createdAt: T0,
    }))!;
    await bot.outbox.markFailed(m.id, 'HTTP 403', at(1), true);
    assert.equal(await cli.outbox.retryDead(), 1);
    assert.equal((await bot.outbox.getByKey('card:REQ-1001'))?.status, 'pending');

    // One id sequence and one audit chain across both connections.
    const ids = [await bot.requests.nextId(), await cli.requests.nextId(), await bot.requests.nextId()];
    assert.deepEqual(ids, ['REQ-1001', 'REQ-1002', 'REQ-1003']);
    await bot.audit.append({ at: at(1), actorId: 'system', action: 'bot.started', outcome: 'info' });
    await cli.transaction((s) =>
      s.audit.append({ at: at(2), actorId: 'admin', action: 'outbox.retried', outcome: 'info' }),
    );
    await bot.audit.append({ at: at(3), actorId: 'user-1', action: 'request.approved', outcome: 'success' });
    const chain = await cli.audit.list();
    assert.equal(chain.length, 3);
    let prev = '';
    for (const r of chain) {
      assert.equal(r.prevHash, prev);
      assert.equal(computeAuditHash(prev, r), r.hash);
      prev = r.hash;
    }
  });

  it('migrates a new file once when several stores open it at the same moment', async () => {
    const dir = tempDir();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openSqliteStore({ dataDir: dir })));
    for (const s of stores) track(s);
    assert.equal(await stores[3]!.requests.nextId(), 'REQ-1001');
    assert.equal(await stores[0]!.requests.nextId(), 'REQ-1002');
  });

  it('waits for another connection’s write lock without blocking the event loop', async () => {
    const dir = tempDir();
    const store = track(await openSqliteStore({ dataDir: dir }));
    const cli = new SQLite(join(dir, 'govbot.sqlite'));
    try {
      cli.exec('BEGIN IMMEDIATE'); // e.g. `govbot outbox retry` in the middle of its write
      let released = false;
      // Only runs if the event loop is free while the store waits (a synchronous busy wait would starve it).
      setTimeout(() => {
        cli.exec('COMMIT');
        released = true;
      }, 150);
      await store.kv.set('written', true);
      await store.transaction((s) => s.kv.set('in-transaction', true));
      assert.equal(released, true);
      assert.equal(await store.kv.get('written'), true);
    } finally {
      if (cli.inTransaction) cli.exec('ROLLBACK');
      cli.close();
    }
  });

  it('uses the injected clock for timestamps it writes itself', async () => {
    let now = new Date(T0);
    const store = track(await openSqliteStore({ filename: ':memory:', clock: () => now }));
    const m = (await store.outbox.enqueue({
      idempotencyKey: 'k',
      conversationKey: 'c',
      operation: 'send',
      activity: {},
      createdAt: T0,
    }))!;
    await store.outbox.markFailed(m.id, 'x', at(500), true);
    now = new Date(at(7));
    await store.outbox.retryDead();
    assert.equal((await store.outbox.getByKey('k'))?.nextAttemptAt, at(7));
  });

  it('refuses to change or delete audit records even through raw SQL', async () => {
    const dir = tempDir();
    const store = track(await openSqliteStore({ dataDir: dir }));
    await store.audit.append({ at: T0, actorId: 'system', action: 'bot.started', outcome: 'info' });
    const raw = new SQLite(join(dir, 'govbot.sqlite'));
    try {
      raw.pragma('busy_timeout = 2000');
      assert.throws(() => raw.prepare("update audit set outcome = 'failure'").run(), /append-only/);
      assert.throws(() => raw.prepare('delete from audit').run(), /append-only/);
    } finally {
      raw.close();
    }
    assert.equal((await store.audit.list()).length, 1);
  });

  it('fails to insert a duplicate request id inside a transaction and rolls the transaction back', async () => {
    const store = track(await openSqliteStore({ filename: ':memory:' }));
    await store.requests.insert(makeRequest('REQ-1001'));
    await assert.rejects(
      store.transaction(async (s) => {
        await s.kv.set('touched', true);
        await s.requests.insert(makeRequest('REQ-1001'));
      }),
      /UNIQUE|PRIMARY/i,
    );
    assert.equal(await store.kv.get('touched'), undefined);
  });
});
