import type { Selectable } from 'kysely';
import type { AuditFilter, AuditRecord, AuditRecordInput, StoreSession } from '../../requests/ports/store.js';
import { computeAuditHash } from '../audit-hash.js';
import type { AuditTable } from '../schema.js';
import { compiledOnce } from './compiled-query.js';
import {
  atomically,
  type Db,
  lockedOn,
  opt,
  orNull,
  parseJsonOnRead,
  parseJsonOrUndefined,
  type StoreContext,
} from './shared.js';

type AuditRow = Selectable<AuditTable>;

const fromRow = (r: AuditRow): AuditRecord => recordOf(r, false);

/** parseOnRead: the JSON columns are parsed when first read (an appended record, which callers rarely read). */
function recordOf(r: AuditRow, parseOnRead: boolean): AuditRecord {
  const record: AuditRecord = {
    seq: r.seq,
    at: r.at,
    actorId: r.actor_id,
    action: r.action,
    outcome: r.outcome as AuditRecord['outcome'],
    prevHash: r.prev_hash,
    hash: r.hash,
  };
  // Absent stays absent (never `key: undefined`), so the record reads back exactly as it was hashed.
  const optional: Partial<AuditRecordInput> = {
    actorUpn: opt(r.actor_upn),
    requestId: opt(r.request_id),
    targetType: opt(r.target_type),
    targetId: opt(r.target_id),
    environmentId: opt(r.environment_id),
    correlationId: opt(r.correlation_id),
    apiCalls: parseOnRead ? undefined : parseJsonOrUndefined(r.api_calls),
    details: parseOnRead ? undefined : parseJsonOrUndefined(r.details),
  };
  for (const [k, v] of Object.entries(optional))
    if (v !== undefined) (record as unknown as Record<string, unknown>)[k] = v;
  if (parseOnRead && r.api_calls !== null) parseJsonOnRead(record, 'apiCalls', r.api_calls);
  if (parseOnRead && r.details !== null) parseJsonOnRead(record, 'details', r.details);
  return record;
}

// The queries of every append, compiled once (compiled-query.ts).
const readHead = compiledOnce((db, _, ctx) =>
  lockedOn(ctx, db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1)),
);
const insertRecord = compiledOnce((db, v: AuditRow) =>
  db.insertInto('audit').values({
    seq: v.seq,
    at: v.at,
    actor_id: v.actor_id,
    actor_upn: v.actor_upn,
    action: v.action,
    outcome: v.outcome,
    request_id: v.request_id,
    target_type: v.target_type,
    target_id: v.target_id,
    environment_id: v.environment_id,
    correlation_id: v.correlation_id,
    api_calls: v.api_calls,
    details: v.details,
    prev_hash: v.prev_hash,
    hash: v.hash,
  }),
);
const writeHead = compiledOnce((db, v: { seq: number; hash: string }) =>
  db.updateTable('audit_head').set({ seq: v.seq, hash: v.hash }).where('id', '=', 1),
);

/** Append-only: there is deliberately no update or delete (the table has triggers refusing both). */
export function auditRepository(db: Db, ctx: StoreContext): StoreSession['audit'] {
  return {
    append(input) {
      // The chain head (last seq and hash) is one row, read locked and rewritten in the appending transaction: a
      // second appender (another connection, another replica) waits for it, so the chain never forks. seq is head + 1,
      // not a sequence or autoincrement: a rolled-back append leaves no gap that `audit verify` would call tampering.
      // (SQLite: BEGIN IMMEDIATE already holds the one write lock; PostgreSQL: SELECT … FOR UPDATE on the head.)
      return atomically(db, async (trx) => {
        const [head] = (await readHead.run(trx, ctx, {})).rows;
        if (!head) throw new Error('the audit_head row is missing');
        const prevHash = head.hash;
        const seq = head.seq + 1;
        const hash = computeAuditHash(prevHash, input);
        const row: AuditRow = {
          seq,
          at: input.at,
          actor_id: input.actorId,
          actor_upn: orNull(input.actorUpn),
          action: input.action,
          outcome: input.outcome,
          request_id: orNull(input.requestId),
          target_type: orNull(input.targetType),
          target_id: orNull(input.targetId),
          environment_id: orNull(input.environmentId),
          correlation_id: orNull(input.correlationId),
          api_calls: input.apiCalls === undefined ? null : JSON.stringify(input.apiCalls),
          details: input.details === undefined ? null : JSON.stringify(input.details),
          prev_hash: prevHash,
          hash,
        };
        const inserted = await insertRecord.run(trx, ctx, row);
        if ((inserted.numAffectedRows ?? 0n) === 0n) throw new Error(`audit record ${seq} was not inserted`);
        await writeHead.run(trx, ctx, { seq, hash });
        // The record as stored (its JSON parsed back only if read: callers rarely look), as list() reads it.
        return recordOf(row, true);
      });
    },

    async list(filter: AuditFilter = {}) {
      let q = db.selectFrom('audit').selectAll();
      if (filter.requestId !== undefined) q = q.where('request_id', '=', filter.requestId);
      if (filter.actorId !== undefined) q = q.where('actor_id', '=', filter.actorId);
      if (filter.environmentId !== undefined) q = q.where('environment_id', '=', filter.environmentId);
      if (filter.action !== undefined) q = q.where('action', '=', filter.action);
      if (filter.outcome !== undefined) q = q.where('outcome', '=', filter.outcome);
      if (filter.since !== undefined) q = q.where('at', '>=', filter.since);
      if (filter.until !== undefined) q = q.where('at', '<', filter.until);
      if (filter.limit === undefined) return (await q.orderBy('seq', 'asc').execute()).map(fromRow);
      // With a limit: the most recent `limit` matches, still returned oldest first (chain order).
      const rows = await q.orderBy('seq', 'desc').limit(filter.limit).execute();
      return rows.reverse().map(fromRow);
    },
  };
}
