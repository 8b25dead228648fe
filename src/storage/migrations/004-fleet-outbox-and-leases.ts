// Several senders on one database (issue 11): in-flight marks move into the outbox rows (no shared value rewritten
// by everyone), a fleet-wide send log for Teams' windows, and named leases with fencing tokens (the monitor's poll,
// each conversation's outbox lane). The old shared in-flight map in kv is read one last time by the worker.
import { type Kysely, type Migration, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
type AnyDb = Kysely<any>;

export const fleetOutboxAndLeases: Migration = {
  async up(db: AnyDb): Promise<void> {
    await db.schema.alterTable('outbox').addColumn('in_flight_at', 'text').execute();
    await db.schema.alterTable('outbox').addColumn('in_flight_by', 'text').execute();
    // Carry over what the old shared map said was in flight (a crash before this upgrade).
    await sql`UPDATE outbox SET in_flight_at = coalesce(json_extract(kv.value, '$."' || outbox.id || '".startedAt'), ''),
                in_flight_by = 'before-upgrade'
              FROM kv WHERE kv.key = 'outbox:in-flight'
                AND json_extract(kv.value, '$."' || outbox.id || '"') IS NOT NULL`.execute(db);
    await sql`DELETE FROM kv WHERE key = 'outbox:in-flight'`.execute(db);

    await db.schema
      .createTable('outbox_sends')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('conversation_key', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('outbox_sends_conversation')
      .on('outbox_sends')
      .columns(['conversation_key', 'sent_at'])
      .execute();
    await db.schema.createIndex('outbox_sends_at').on('outbox_sends').column('sent_at').execute();
    // The send log's lock: one row every pacing transaction updates first.
    await db.schema
      .createTable('outbox_send_lock')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .execute();
    await sql`INSERT INTO outbox_send_lock (id) VALUES (1)`.execute(db);

    await db.schema
      .createTable('leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('token', 'integer', (c) => c.notNull())
      .addColumn('lease_until', 'text', (c) => c.notNull())
      .execute();
  },
};
