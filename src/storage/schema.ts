// The schema as kysely sees it, the same on SQLite and PostgreSQL. JSON columns hold text (JSON.stringify'd); times are ISO-8601 strings in UTC
// (Date#toISOString), so lexicographic comparison is chronological.
import type { ColumnType, Generated } from 'kysely';

/** A column with a database default: optional on insert. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface RequestsTable {
  id: string;
  version: number;
  type: string;
  status: string;
  requester_id: string;
  created_at: string;
  updated_at: string;
  /** The whole GovernanceRequest as JSON (its version matches the version column). */
  body: string;
}

export interface RequestSeqTable {
  name: string;
  /** Last number handed out. */
  value: number;
}

export interface AuditTable {
  /** head + 1, written by the appender (never a sequence: no gaps). */
  seq: number;
  at: string;
  actor_id: string;
  actor_upn: string | null;
  action: string;
  outcome: string;
  request_id: string | null;
  target_type: string | null;
  target_id: string | null;
  environment_id: string | null;
  correlation_id: string | null;
  /** JSON array or null. */
  api_calls: string | null;
  /** JSON object or null. */
  details: string | null;
  prev_hash: string;
  hash: string;
}

/** The audit chain's head: one row (id 1), locked by every append (migration 003). */
export interface AuditHeadTable {
  id: number;
  /** seq of the last record (0 before the first). */
  seq: number;
  /** hash of the last record ('' before the first). */
  hash: string;
}

export interface ConversationsTable {
  key: string;
  /** JSON ConversationReference. */
  reference: string;
  updated_at: string;
}

export interface ChannelsTable {
  kind: string;
  conversation_key: string;
  set_by: string;
  set_at: string;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  /** JSON object. */
  payload: string;
  run_at: string;
  dedupe_key: string | null;
  status: Defaulted<string>;
  attempts: Defaulted<number>;
  max_attempts: Defaulted<number>;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  /** When the owner of a dead job was told (migration 002); null until then. */
  dead_reported_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface OutboxTable {
  id: Generated<number>;
  idempotency_key: string;
  conversation_key: string;
  operation: string;
  update_of: string | null;
  /** JSON activity. */
  activity: string;
  request_id: string | null;
  status: Defaulted<string>;
  attempts: Defaulted<number>;
  next_attempt_at: string;
  activity_id: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  /** Migration 004: the in-flight mark of this message (set before the connector call, cleared with its outcome). */
  in_flight_at: ColumnType<string | null, string | null | undefined, string | null>;
  in_flight_by: ColumnType<string | null, string | null | undefined, string | null>;
}

/** The fleet-wide log of sends to Teams (migration 004), for pacing across replicas. */
export interface OutboxSendsTable {
  id: Generated<number>;
  conversation_key: string;
  /** ms since epoch (bigint on PostgreSQL: read back as a string, converted by the repository). */
  sent_at: ColumnType<number | string, number, number>;
}

export interface OutboxSendLockTable {
  id: number;
}

/** Named leases with fencing tokens (migration 004). */
export interface LeasesTable {
  name: string;
  holder: string;
  token: number;
  lease_until: string;
}

export interface KvTable {
  key: string;
  /** JSON value. */
  value: string;
  /** When the value was last written (migration 005 / pg 003), for pruning de-duplication rows by age. */
  written_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface Database {
  requests: RequestsTable;
  request_seq: RequestSeqTable;
  audit: AuditTable;
  audit_head: AuditHeadTable;
  conversations: ConversationsTable;
  channels: ChannelsTable;
  jobs: JobsTable;
  outbox: OutboxTable;
  outbox_sends: OutboxSendsTable;
  outbox_send_lock: OutboxSendLockTable;
  leases: LeasesTable;
  kv: KvTable;
}
