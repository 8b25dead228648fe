// Throw-away PostgreSQL databases for tests, on the real server (never a mock): each test run creates its own
// govbot_test_<random> database and drops it afterwards, so concurrent runs never collide.
// PG_ADMIN_URL names a database to connect to for CREATE/DROP DATABASE (default: the local trust-auth server).
// When the server is unreachable the tests that need it are skipped locally, and FAIL in CI (CI=true).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_ADMIN_URL = process.env['PG_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The URL of a database on the same server as PG_ADMIN_URL. */
export function databaseUrl(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createThrowawayDatabase(prefix = 'govbot_test'): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return { name, url: databaseUrl(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  // WITH (FORCE): a test that failed may have left a pool open.
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Empties a database completely (every table, function, migration record), ready to be migrated afresh. */
export async function resetDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  } finally {
    await client.end();
  }
}

/**
 * Registers mocha hooks giving the surrounding describe a throw-away database: created before its tests, dropped
 * after them. Returns a getter for its URL. Skips (locally) or fails (CI) when the server is unreachable.
 */
export function useThrowawayPostgres(prefix?: string): () => string {
  let db: { name: string; url: string } | undefined;
  before(async function () {
    try {
      db = await createThrowawayDatabase(prefix);
    } catch (error) {
      if (process.env['CI']) throw new Error(`PostgreSQL is required in CI and unreachable: ${String(error)}`);
      console.warn(`PostgreSQL unreachable at ${PG_ADMIN_URL}: skipping (${String(error)})`);
      this.skip();
    }
  });
  after(async () => {
    if (db) await dropDatabase(db.name);
  });
  return () => {
    if (!db) throw new Error('no throw-away database (before hook did not run)');
    return db.url;
  };
}
