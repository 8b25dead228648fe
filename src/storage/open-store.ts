// Chooses the store from the configuration: PostgreSQL when DATABASE_URL is set (several replicas on one
// database), otherwise SQLite under DATA_DIR (one process, nothing to install).
import type { Store } from '../requests/ports/store.js';
import type { Clock } from './repositories/shared.js';
import { openSqliteStore } from './sqlite-store.js';

export interface OpenStoreOptions {
  DATABASE_URL?: string | undefined;
  DATA_DIR: string;
  /** Injected time (tests); without it PostgreSQL's clock is the fleet's time. */
  clock?: Clock | undefined;
}

export async function openStore({ DATABASE_URL, DATA_DIR, clock }: OpenStoreOptions): Promise<Store> {
  if (DATABASE_URL) {
    // Loaded only for PostgreSQL: the embedded default never needs the pg driver in memory.
    const { openPostgresStore } = await import('./postgres-store.js');
    return openPostgresStore({ connectionString: DATABASE_URL, ...(clock ? { clock } : {}) });
  }
  return openSqliteStore({ dataDir: DATA_DIR, ...(clock ? { clock } : {}) });
}

/** Which database a configuration uses, for logs and health checks (never the connection string itself). */
export function storeKind({ DATABASE_URL }: Pick<OpenStoreOptions, 'DATABASE_URL'>): 'postgres' | 'sqlite' {
  return DATABASE_URL ? 'postgres' : 'sqlite';
}
