// From the version that stores cards as recipes (drawn by the sender), a replica of an earlier version must not
// start against the database: it would send a recipe to Teams as it is. The mark is a migration; an earlier
// version's migration list lacks it, and its migrator refuses the database instead of running against it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { sqliteMigrations } from '../../src/storage/migrations/index.js';
import { migrateToLatest } from '../../src/storage/migrator.js';
import type { Database } from '../../src/storage/schema.js';
import { DATABASE_FILENAME, openSqliteStore } from '../../src/storage/sqlite-store.js';

describe('storage: the cards-drawn-at-send mark', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'govbot-mark-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the migrations of the version before it refuse a database this version migrated', async () => {
    const store = await openSqliteStore({ dataDir: dir });
    await store.close();
    const earlier = Object.fromEntries(
      Object.entries(sqliteMigrations).filter(([name]) => name !== '007-cards-drawn-at-send'),
    );
    assert.equal(Object.keys(earlier).length, Object.keys(sqliteMigrations).length - 1);
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new SQLite(join(dir, DATABASE_FILENAME)) }),
    });
    try {
      await assert.rejects(
        migrateToLatest(db, earlier),
        /previously executed migration 007-cards-drawn-at-send is missing/,
      );
    } finally {
      await db.destroy();
    }
  });
});
