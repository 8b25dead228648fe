// The SQLite implementation of the storage port (one process, the embedded default): better-sqlite3 through kysely.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import type { Store } from '../requests/ports/store.js';
import { kyselyStore } from './kysely-store.js';
import { sqliteMigrations } from './migrations/index.js';
import { migrateToLatest } from './migrator.js';
import type { Database } from './schema.js';
import { withStatementCache } from './sqlite-statement-cache.js';
import { type CheckpointTiming, QuietCheckpoints } from './wal-checkpoints.js';

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
  /** When WAL checkpoints run (wal-checkpoints.ts); tests pass their own schedule. */
  checkpoints?: CheckpointTiming;
}

/**
 * Starts every transaction with BEGIN IMMEDIATE: the write lock is taken up front, so read-then-write sequences
 * (audit chain head, job claiming) are serialised across processes, and a busy database is waited for at BEGIN
 * instead of failing mid-transaction with SQLITE_BUSY on the lock upgrade.
 *
 * The wait is asynchronous: SQLite's own busy_timeout would block the event loop (better-sqlite3 is synchronous),
 * freezing the whole bot while the ops CLI writes, and a second store in the same process (tests, tools) could then
 * never release the lock it waits for. So busy_timeout is 0 and a busy statement is retried after a short sleep,
 * up to BUSY_TIMEOUT_MS. A statement that failed with SQLITE_BUSY did nothing, so running it again is safe.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  constructor(
    config: SqliteDialectConfig,
    private readonly checkpoints: QuietCheckpoints | undefined,
  ) {
    super(config);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    const checkpoints = this.checkpoints;
    return {
      executeQuery: <R>(query: CompiledQuery) => {
        const result = whenNotBusy(() => connection.executeQuery<R>(query));
        // Anything but a select may have written (a commit, a statement outside a transaction).
        if (checkpoints && query.query.kind !== 'SelectQueryNode') checkpoints.wrote();
        return result;
      },
      streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
    };
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

const isBusy = (error: unknown) => (error as { code?: string } | null)?.code === 'SQLITE_BUSY';

/**
 * Runs the statement at once; only a busy database enters the retry loop. better-sqlite3 is synchronous, so kysely's
 * connection throws SQLITE_BUSY from the call itself: the common case costs no extra async frame or clock read.
 */
function whenNotBusy<T>(run: () => Promise<T>): Promise<T> {
  try {
    return run();
  } catch (error) {
    return isBusy(error) ? retryWhileBusy(run) : Promise.reject(error);
  }
}

async function retryWhileBusy<T>(run: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
    await new Promise((resolve) => setTimeout(resolve, pause * (0.5 + Math.random())));
    try {
      return await run();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
    }
  }
}

/**
 * SQLite's DDL is transactional, but kysely's adapter says it is not and takes no migration lock: two processes
 * opening a new file together (bot and CLI, a tool's writers) would both run 001. Declared transactional, the
 * migrator reads the applied migrations and runs the missing ones in one BEGIN IMMEDIATE transaction, so
 * openers migrate one at a time and the second finds nothing left to do.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #checkpoints: QuietCheckpoints | undefined;
  constructor(config: SqliteDialectConfig, checkpoints: QuietCheckpoints | undefined) {
    super(config);
    this.#config = config;
    this.#checkpoints = checkpoints;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config, this.#checkpoints);
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

export async function openSqliteStore(opts: SqliteStoreOptions = {}): Promise<Store> {
  const filename = opts.filename ?? join(opts.dataDir ?? DEFAULT_DATA_DIR, DATABASE_FILENAME);
  const inMemory = filename === ':memory:' || filename === '';
  if (!inMemory) mkdirSync(dirname(filename), { recursive: true });

  const sqlite = new SQLite(filename);
  let checkpoints: QuietCheckpoints | undefined;
  try {
    sqlite.pragma('busy_timeout = 0'); // waits are asynchronous: see ImmediateSqliteDriver
    if (!inMemory) {
      // WAL: readers (the ops CLI) never block the writer (the bot) and vice versa.
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = NORMAL');
      checkpoints = new QuietCheckpoints(sqlite, opts.checkpoints);
    }
    sqlite.pragma('foreign_keys = ON');
  } catch (err) {
    sqlite.close();
    throw err;
  }

  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }, checkpoints),
  });
  try {
    await migrateToLatest(db, sqliteMigrations);
  } catch (err) {
    checkpoints?.stop();
    await db.destroy();
    throw err;
  }

  const store = kyselyStore({
    db,
    dialect: 'sqlite',
    clock: opts.clock,
    // One file, one host: the process clock is the database's.
    databaseNow: async () => new Date(),
  });
  return {
    ...store,
    close() {
      checkpoints?.stop();
      return store.close();
    },
  };
}
