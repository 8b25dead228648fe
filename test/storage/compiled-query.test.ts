// Queries compiled once: each call runs the same SQL with its own values, on the database or inside a transaction,
// and a placeholder that would shape the SQL (instead of being a parameter) is refused when the query is compiled.
import assert from 'node:assert/strict';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { compiledOnce } from '../../src/storage/repositories/compiled-query.js';
import type { Db, StoreContext } from '../../src/storage/repositories/shared.js';
import type { Database } from '../../src/storage/schema.js';

const ctx = { dialect: 'sqlite' } as StoreContext;

describe('storage: compiled queries', () => {
  let db: Db;
  beforeEach(async () => {
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    await sql`create table kv (key text primary key, value text not null, written_at text)`.execute(db);
    await sql`insert into kv values ('a', '1', 'x'), ('b', '2', 'y')`.execute(db);
  });
  afterEach(() => db.destroy());

  it('runs the same SQL with each call’s values', async () => {
    const byKey = compiledOnce((d, v: { key: string }) => d.selectFrom('kv').select('value').where('key', '=', v.key));
    assert.deepEqual((await byKey.run(db, ctx, { key: 'a' })).rows, [{ value: '1' }]);
    assert.deepEqual((await byKey.run(db, ctx, { key: 'b' })).rows, [{ value: '2' }]);
    assert.deepEqual((await byKey.run(db, ctx, { key: 'c' })).rows, []);
  });

  it('keeps the constants of the query and fills a placeholder used twice, in a transaction too', async () => {
    const write = compiledOnce((d, v: { key: string; value: string }) =>
      d
        .insertInto('kv')
        .values({ key: v.key, value: v.value, written_at: 'z' })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: v.value })),
    );
    assert.equal((await write.run(db, ctx, { key: 'a', value: '10' })).numAffectedRows, 1n);
    await db.transaction().execute((trx) => write.run(trx, ctx, { key: 'c', value: '3' }));
    assert.deepEqual(await db.selectFrom('kv').selectAll().orderBy('key').execute(), [
      { key: 'a', value: '10', written_at: 'x' },
      { key: 'b', value: '2', written_at: 'y' },
      { key: 'c', value: '3', written_at: 'z' },
    ]);
  });

  it('refuses a placeholder that shapes the SQL instead of being a parameter', async () => {
    // Compiled once, the condition would be decided by the placeholder (always truthy), never by the call's value.
    const shaped = compiledOnce((d, v: { onlyA: boolean }) =>
      v.onlyA ? d.selectFrom('kv').select('key').where('key', '=', 'a') : d.selectFrom('kv').select('key'),
    );
    await assert.rejects(async () => shaped.run(db, ctx, { onlyA: false }), /'onlyA' is not a parameter/);
  });
});
