// Two indexes no query reads, written on every approval and filing: outbox rows by request id, and running jobs by
// lease (jobs_pending_due finds the few running jobs by status). Same as SQLite's 006.
import { type Kysely, type Migration, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
type AnyDb = Kysely<any>;

export const postgresFewerWriteIndexes: Migration = {
  async up(db: AnyDb): Promise<void> {
    await sql`DROP INDEX IF EXISTS outbox_request`.execute(db);
    await sql`DROP INDEX IF EXISTS jobs_running_lease`.execute(db);
  },
};
