// The audit chain's head as one row that every append reads and rewrites in its transaction, so concurrent
// appenders take turns on it (one chain, no forks) and seq is head + 1 (no gaps). Seeded from the existing chain.
import { type Kysely, type Migration, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
type AnyDb = Kysely<any>;

export const auditHead: Migration = {
  async up(db: AnyDb): Promise<void> {
    await db.schema
      .createTable('audit_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await sql`INSERT INTO audit_head (id, seq, hash)
      SELECT 1, coalesce(max(seq), 0), coalesce((SELECT hash FROM audit ORDER BY seq DESC LIMIT 1), '') FROM audit`.execute(
      db,
    );
  },
};
