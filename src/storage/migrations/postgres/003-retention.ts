// Retention: the time each kv row was written (rows from before the upgrade count from it), and indexes on the age
// columns the periodic prune reads. Same as SQLite's 005.
import { type Kysely, type Migration, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
type AnyDb = Kysely<any>;

const statements = [
  'ALTER TABLE kv ADD COLUMN written_at text COLLATE "C"',
  `UPDATE kv SET written_at = to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  'CREATE INDEX kv_written_at ON kv (written_at)',
  'CREATE INDEX conversations_updated_at ON conversations (updated_at)',
];

export const postgresRetention: Migration = {
  async up(db: AnyDb): Promise<void> {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
