// better-sqlite3 behind kysely, with each SQL text prepared once: kysely's SQLite driver calls prepare() for every
// query, and compiling the same SQL again (in SQLite's C code) was a visible share of a busy bot's CPU. Kysely
// compiles a query builder to the same SQL text every time, so a small LRU keyed by that text catches nearly all.
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Enough for every distinct query the bot runs (queries with `in (...)` lists of several lengths included). */
const DEFAULT_MAX_STATEMENTS = 500;

export function withStatementCache(sqlite: SQLite.Database, maxStatements = DEFAULT_MAX_STATEMENTS): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      statements.clear();
      sqlite.close();
    },
    prepare(sql: string): SqliteStatement {
      const cached = statements.get(sql);
      // A statement still being iterated (a streamed select) cannot run again until it finishes: prepare another.
      if (cached && !cached.busy) {
        // Re-insert so the Map's order is least recently used first.
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql);
      if (!cached) {
        statements.set(sql, statement);
        if (statements.size > maxStatements) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      }
      return statement;
    },
  };
}
