// Several senders on one database: in-flight marks in the outbox rows, the fleet-wide send log (times in ms since
// epoch) with its lock row, and named leases with fencing tokens. Same as SQLite's 004.
import { type Kysely, type Migration, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
type AnyDb = Kysely<any>;

const statements = [
  'ALTER TABLE outbox ADD COLUMN in_flight_at text COLLATE "C"',
  'ALTER TABLE outbox ADD COLUMN in_flight_by text',
  `CREATE TABLE outbox_sends (
     id serial PRIMARY KEY,
     conversation_key text NOT NULL,
     sent_at bigint NOT NULL
   )`,
  'CREATE INDEX outbox_sends_conversation ON outbox_sends (conversation_key, sent_at)',
  'CREATE INDEX outbox_sends_at ON outbox_sends (sent_at)',
  'CREATE TABLE outbox_send_lock (id integer PRIMARY KEY)',
  'INSERT INTO outbox_send_lock (id) VALUES (1)',
  `CREATE TABLE leases (
     name text PRIMARY KEY,
     holder text NOT NULL,
     token integer NOT NULL,
     lease_until text COLLATE "C" NOT NULL
   )`,
];

export const postgresFleetOutboxAndLeases: Migration = {
  async up(db: AnyDb): Promise<void> {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
