// The SQLite implementation of the storage port: better-sqlite3 through kysely.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import { migrateToLatest } from './migrator.js';
import { auditRepository } from './repositories/audit.js';
import { channelsRepository } from './repositories/channels.js';
import { conversationsRepository } from './repositories/conversations.js';
import { jobsRepository } from './repositories/jobs.js';
import { kvRepository } from './repositories/kv.js';
import { outboxRepository } from './repositories/outbox.js';
import { requestsRepository } from './repositories/requests.js';
import type { Clock, Db } from './repositories/shared.js';
import type { Database } from './schema.js';
import type { Store, StoreSession } from './store.js';

export const DEFAULT_DATA_DIR = './.data';
export const DATABASE_FILENAME = 'govbot.sqlite';
/** How long a writer waits for another connection (e.g. the ops CLI) to release the lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

export interface SqliteStoreOptions {
  /** Directory of `govbot.sqlite` (created if missing). Default ./.data. Ignored when filename is given. */
  dataDir?: string;
  /** Full path of the database file, or ':memory:'. Takes precedence over dataDir. */
  filename?: string;
  /** Time source for timestamps the store writes itself (job created_at, outbox sent_at, retryDead). */
  clock?: () => Date;
}

/**
 * Starts every transaction with BEGIN IMMEDIATE: the write lock is taken up front, so read-then-write sequences
 * (audit chain head, job claiming) are serialised across processes, and a busy database is waited for
 * (busy_timeout) at BEGIN instead of failing mid-transaction with SQLITE_BUSY on the lock upgrade.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

export function sessionFor(db: Db, clock: Clock): StoreSession {
  return {
    requests: requestsRepository(db),
    audit: auditRepository(db),
    conversations: conversationsRepository(db),
    channels: channelsRepository(db),
    jobs: jobsRepository(db, clock),
    outbox: outboxRepository(db, clock),
    kv: kvRepository(db),
  };
}

export async function openSqliteStore(opts: SqliteStoreOptions = {}): Promise<Store> {
  const filename = opts.filename ?? join(opts.dataDir ?? DEFAULT_DATA_DIR, DATABASE_FILENAME);
  const inMemory = filename === ':memory:' || filename === '';
  if (!inMemory) mkdirSync(dirname(filename), { recursive: true });
  const clock: Clock = opts.clock ?? (() => new Date());

  const sqlite = new SQLite(filename);
  try {
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (!inMemory) {
      // WAL: readers (the ops CLI) never block the writer (the bot) and vice versa.
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = NORMAL');
    }
    sqlite.pragma('foreign_keys = ON');
  } catch (err) {
    sqlite.close();
    throw err;
  }

  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }

  let closed = false;
  return {
    ...sessionFor(db, clock),
    transaction(fn) {
      // Every repository in the session runs on the transaction; do not call the store's own repositories inside fn
      // (SQLite has one connection per store, so they would wait for the transaction that waits for them).
      return db.transaction().execute((trx) => fn(sessionFor(trx, clock)));
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
