// Retention (issue 10): de-duplication rows in kv carry the time they were written, so rows older than their retention
// can be pruned; rows written before this upgrade count from the upgrade. An index on each age column keeps the
// periodic prune from scanning whole tables.
import { type Kysely, type Migration, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
type AnyDb = Kysely<any>;

export const retention: Migration = {
  async up(db: AnyDb): Promise<void> {
    await db.schema.alterTable('kv').addColumn('written_at', 'text').execute();
    await sql`UPDATE kv SET written_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`.execute(db);
    await db.schema.createIndex('kv_written_at').on('kv').column('written_at').execute();
    await db.schema.createIndex('conversations_updated_at').on('conversations').column('updated_at').execute();
  },
};
