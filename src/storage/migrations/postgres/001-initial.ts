// PostgreSQL schema, version 1: the same tables and columns as SQLite's 001–003 (src/storage/schema.ts), in
// PostgreSQL's words. Times stay ISO-8601 text (as on SQLite, so the repositories are shared) with the "C"
// collation, so that comparing them is byte order, i.e. chronological, whatever the server's locale.
// Append-only: never edit a shipped migration, add the next file instead.
import { type Kysely, type Migration, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
type AnyDb = Kysely<any>;

const statements = [
  `CREATE TABLE requests (
     id text PRIMARY KEY,
     version integer NOT NULL,
     type text NOT NULL,
     status text NOT NULL,
     requester_id text NOT NULL,
     created_at text COLLATE "C" NOT NULL,
     updated_at text COLLATE "C" NOT NULL,
     body text NOT NULL,
     row_no serial NOT NULL -- insertion order (SQLite's rowid), for ties in created_at
   )`,
  'CREATE INDEX requests_requester_status ON requests (requester_id, status)',
  'CREATE INDEX requests_status_created ON requests (status, created_at)',
  'CREATE INDEX requests_created ON requests (created_at)',

  'CREATE TABLE request_seq (name text PRIMARY KEY, value integer NOT NULL)',
  `INSERT INTO request_seq (name, value) VALUES ('requests', 1000)`,

  `CREATE TABLE audit (
     seq integer PRIMARY KEY, -- audit_head.seq + 1, never a sequence (a rolled-back append must leave no gap)
     at text COLLATE "C" NOT NULL,
     actor_id text NOT NULL,
     actor_upn text,
     action text NOT NULL,
     outcome text NOT NULL,
     request_id text,
     target_type text,
     target_id text,
     environment_id text,
     correlation_id text,
     api_calls text,
     details text,
     prev_hash text NOT NULL,
     hash text NOT NULL
   )`,
  'CREATE INDEX audit_request ON audit (request_id, seq)',
  'CREATE INDEX audit_actor ON audit (actor_id, seq)',
  'CREATE INDEX audit_at ON audit (at)',
  // Append-only, enforced by the database too: no UPDATE or DELETE on the chain.
  `CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN RAISE EXCEPTION 'audit is append-only'; END $$`,
  'CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only()',
  'CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only()',
  // The chain head: one row, locked (SELECT … FOR UPDATE) and rewritten by every append.
  'CREATE TABLE audit_head (id integer PRIMARY KEY, seq integer NOT NULL, hash text NOT NULL)',
  `INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '')`,

  'CREATE TABLE conversations (key text PRIMARY KEY, reference text NOT NULL, updated_at text COLLATE "C" NOT NULL)',
  `CREATE TABLE channels (
     kind text PRIMARY KEY,
     conversation_key text NOT NULL,
     set_by text NOT NULL,
     set_at text COLLATE "C" NOT NULL
   )`,

  `CREATE TABLE jobs (
     id serial PRIMARY KEY,
     kind text NOT NULL,
     payload text NOT NULL,
     run_at text COLLATE "C" NOT NULL,
     dedupe_key text COLLATE "C",
     status text NOT NULL DEFAULT 'pending',
     attempts integer NOT NULL DEFAULT 0,
     max_attempts integer NOT NULL DEFAULT 5,
     lease_until text COLLATE "C",
     last_error text,
     created_at text COLLATE "C" NOT NULL,
     dead_reported_at text COLLATE "C"
   )`,
  'CREATE INDEX jobs_pending_due ON jobs (status, run_at)',
  'CREATE INDEX jobs_running_lease ON jobs (status, lease_until)',
  // At most one live (pending/running) job per dedupe key; enqueue relies on this with ON CONFLICT DO NOTHING.
  `CREATE UNIQUE INDEX jobs_live_dedupe ON jobs (dedupe_key)
     WHERE dedupe_key IS NOT NULL AND status IN ('pending', 'running')`,

  `CREATE TABLE outbox (
     id serial PRIMARY KEY,
     idempotency_key text NOT NULL UNIQUE,
     conversation_key text NOT NULL,
     operation text NOT NULL,
     update_of text,
     activity text NOT NULL,
     request_id text,
     status text NOT NULL DEFAULT 'pending',
     attempts integer NOT NULL DEFAULT 0,
     next_attempt_at text COLLATE "C" NOT NULL,
     activity_id text,
     last_error text,
     created_at text COLLATE "C" NOT NULL,
     sent_at text COLLATE "C"
   )`,
  'CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id)',
  'CREATE INDEX outbox_request ON outbox (request_id)',

  'CREATE TABLE kv (key text PRIMARY KEY, value text NOT NULL)',
];

export const postgresInitial: Migration = {
  async up(db: AnyDb): Promise<void> {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
