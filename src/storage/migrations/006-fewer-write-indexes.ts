// Two indexes no query reads, written on every approval and filing (each a page more in the COMMIT): outbox rows by
// request id (nothing looks outbox rows up by request), and running jobs by lease (running jobs are the few a worker
// holds; jobs_pending_due, on (status, run_at), finds them by status as well). Same as PostgreSQL's 004.
import { type Kysely, type Migration, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
type AnyDb = Kysely<any>;

export const fewerWriteIndexes: Migration = {
  async up(db: AnyDb): Promise<void> {
    await sql`DROP INDEX IF EXISTS outbox_request`.execute(db);
    await sql`DROP INDEX IF EXISTS jobs_running_lease`.execute(db);
  },
};
