// Dead jobs remember when their owner was told (JobRunner's onDead), so a job that died with its worker
// (lease expired on the last attempt) is still reported exactly once by a later tick, never dropped.
import type { Kysely, Migration } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
type AnyDb = Kysely<any>;

export const jobDeadReported: Migration = {
  async up(db: AnyDb): Promise<void> {
    await db.schema.alterTable('jobs').addColumn('dead_reported_at', 'text').execute();
  },
};
