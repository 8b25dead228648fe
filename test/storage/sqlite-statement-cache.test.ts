// The statement cache under kysely's SQLite driver: one prepared statement per SQL text, bounded, and safe when a
// statement is still being iterated.
import assert from 'node:assert/strict';
import SQLite from 'better-sqlite3';
import { withStatementCache } from '../../src/storage/sqlite-statement-cache.js';

describe('storage: SQLite statement cache', () => {
  let sqlite: SQLite.Database;
  beforeEach(() => {
    sqlite = new SQLite(':memory:');
    sqlite.exec('create table t (n integer)');
    sqlite.exec('insert into t values (1), (2), (3)');
  });
  afterEach(() => {
    if (sqlite.open) sqlite.close();
  });

  it('prepares each SQL text once', () => {
    const db = withStatementCache(sqlite);
    const a = db.prepare('select n from t where n > ?');
    const b = db.prepare('select n from t where n > ?');
    assert.equal(a, b);
    assert.deepEqual(b.all([1]), [{ n: 2 }, { n: 3 }]);
    assert.notEqual(db.prepare('select n from t where n < ?'), a);
  });

  it('keeps only the most recently used statements', () => {
    const db = withStatementCache(sqlite, 2);
    const first = db.prepare('select 1');
    db.prepare('select 2');
    assert.equal(db.prepare('select 1'), first, 'used again: now the most recent');
    db.prepare('select 3'); // evicts "select 2", the least recently used
    assert.equal(db.prepare('select 1'), first);
    const second = db.prepare('select 2');
    assert.equal(db.prepare('select 2'), second);
    assert.notEqual(db.prepare('select 3'), undefined);
  });

  it('prepares a fresh statement while the cached one is being iterated', () => {
    const db = withStatementCache(sqlite);
    const sql = 'select n from t order by n';
    const streaming = db.prepare(sql).iterate([]);
    assert.deepEqual(streaming.next().value, { n: 1 });
    assert.deepEqual(db.prepare(sql).all([]), [{ n: 1 }, { n: 2 }, { n: 3 }]);
    assert.deepEqual([...streaming], [{ n: 2 }, { n: 3 }]);
  });

  it('closes the database', () => {
    const db = withStatementCache(sqlite);
    db.prepare('select 1');
    db.close();
    assert.equal(sqlite.open, false);
  });
});
