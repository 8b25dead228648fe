// Initial schema. Migrations are append-only: never edit one that has shipped, add the next file instead.
import { type Kysely, type Migration, sql } from 'kysely';

// Migrations are written against the schema as it was when they were written, not today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above (the kysely-recommended type for migrations)
type AnyDb = Kysely<any>;

export const initial: Migration = {
  async up(db: AnyDb): Promise<void> {
    await db.schema
      .createTable('requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('requester_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('requests_requester_status')
      .on('requests')
      .columns(['requester_id', 'status'])
      .execute();
    await db.schema.createIndex('requests_status_created').on('requests').columns(['status', 'created_at']).execute();
    await db.schema.createIndex('requests_created').on('requests').column('created_at').execute();

    await db.schema
      .createTable('request_seq')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'integer', (c) => c.notNull())
      .execute();
    // nextId() increments before reading, so the first id handed out is REQ-1001.
    await db.insertInto('request_seq').values({ name: 'requests', value: 1000 }).execute();

    await db.schema
      .createTable('audit')
      .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('actor_upn', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text')
      .addColumn('target_type', 'text')
      .addColumn('target_id', 'text')
      .addColumn('environment_id', 'text')
      .addColumn('correlation_id', 'text')
      .addColumn('api_calls', 'text')
      .addColumn('details', 'text')
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_request').on('audit').columns(['request_id', 'seq']).execute();
    await db.schema.createIndex('audit_actor').on('audit').columns(['actor_id', 'seq']).execute();
    await db.schema.createIndex('audit_at').on('audit').column('at').execute();
    // Append-only, enforced by the database too: no UPDATE or DELETE on the chain.
    await sql`CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END`.execute(
      db,
    );
    await sql`CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END`.execute(
      db,
    );

    await db.schema
      .createTable('conversations')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('reference', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('channels')
      .addColumn('kind', 'text', (c) => c.primaryKey())
      .addColumn('conversation_key', 'text', (c) => c.notNull())
      .addColumn('set_by', 'text', (c) => c.notNull())
      .addColumn('set_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('jobs')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('run_at', 'text', (c) => c.notNull())
      .addColumn('dedupe_key', 'text')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull().defaultTo(5))
      .addColumn('lease_until', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    // Due pending jobs, and running jobs whose lease expired.
    await db.schema.createIndex('jobs_pending_due').on('jobs').columns(['status', 'run_at']).execute();
    await db.schema.createIndex('jobs_running_lease').on('jobs').columns(['status', 'lease_until']).execute();
    // At most one live (pending/running) job per dedupe key; enqueue relies on this with ON CONFLICT DO NOTHING.
    await db.schema
      .createIndex('jobs_live_dedupe')
      .on('jobs')
      .column('dedupe_key')
      .unique()
      .where(sql.ref('dedupe_key'), 'is not', null)
      .where(sql.ref('status'), 'in', ['pending', 'running'])
      .execute();

    await db.schema
      .createTable('outbox')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
      .addColumn('conversation_key', 'text', (c) => c.notNull())
      .addColumn('operation', 'text', (c) => c.notNull())
      .addColumn('update_of', 'text')
      .addColumn('activity', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('activity_id', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .execute();
    await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at', 'id']).execute();
    await db.schema.createIndex('outbox_request').on('outbox').column('request_id').execute();

    await db.schema
      .createTable('kv')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },

  async down(db: AnyDb): Promise<void> {
    for (const table of ['kv', 'outbox', 'jobs', 'channels', 'conversations', 'audit', 'request_seq', 'requests']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
