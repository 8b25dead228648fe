// The PostgreSQL implementation of the storage port, for several replicas on one database: kysely's own
// PostgresDialect over a node-postgres pool. Same repositories as SQLite; row locks (FOR UPDATE, SKIP LOCKED) where
// SQLite relies on its single write lock, and the database's clock as the fleet's time.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Store } from '../requests/ports/store.js';
import { kyselyStore } from './kysely-store.js';
import { postgresMigrations } from './migrations/index.js';
import { migrateToLatest } from './migrator.js';
import type { Clock } from './repositories/shared.js';
import type { Database } from './schema.js';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:5432/database (DATABASE_URL). */
  connectionString: string;
  /** Pool size per process (default 10). */
  maxConnections?: number;
  /** Injected time (tests). Without it the database's clock is the fleet's time (Store.now, leases). */
  clock?: Clock;
}

export async function openPostgresStore(opts: PostgresStoreOptions): Promise<Store> {
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.maxConnections ?? 10 });
  // An idle client that loses its connection (server restart, failover) emits 'error' on the pool; without a
  // listener that would end the process. The pool drops the client and the next query opens a new one.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db, postgresMigrations);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return kyselyStore({
    db,
    dialect: 'postgres',
    clock: opts.clock,
    // clock_timestamp(), not now(): now() is frozen at the start of the transaction.
    databaseNow: async (on) => {
      const { rows } = await sql<{ now: Date }>`SELECT clock_timestamp() AS now`.execute(on);
      return new Date(rows[0]?.now ?? Date.now());
    },
  });
}
