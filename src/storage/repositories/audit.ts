import type { Selectable } from 'kysely';
import type { AuditFilter, AuditRecord, AuditRecordInput, StoreSession } from '../../requests/ports/store.js';
import { computeAuditHash } from '../audit-hash.js';
import type { AuditTable } from '../schema.js';
import { atomically, type Db, lockedOn, opt, orNull, parseJsonOrUndefined, type StoreContext } from './shared.js';

type AuditRow = Selectable<AuditTable>;

function fromRow(r: AuditRow): AuditRecord {
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
    apiCalls: parseJsonOrUndefined(r.api_calls),
    details: parseJsonOrUndefined(r.details),
  };
  for (const [k, v] of Object.entries(optional))
    if (v !== undefined) (record as unknown as Record<string, unknown>)[k] = v;
  return record;
}

/** Append-only: there is deliberately no update or delete (the table has triggers refusing both). */
export function auditRepository(db: Db, ctx: StoreContext): StoreSession['audit'] {
  return {
    append(input) {
      // The chain head (last seq and hash) is one row, read locked and rewritten in the appending transaction: a
      // second appender (another connection, another replica) waits for it, so the chain never forks. seq is head + 1,
      // not a sequence or autoincrement: a rolled-back append leaves no gap that `audit verify` would call tampering.
      // (SQLite: BEGIN IMMEDIATE already holds the one write lock; PostgreSQL: SELECT … FOR UPDATE on the head.)
      return atomically(db, async (trx) => {
        const head = await lockedOn(
          ctx,
          trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1),
        ).executeTakeFirstOrThrow();
        const prevHash = head.hash;
        const seq = head.seq + 1;
        const hash = computeAuditHash(prevHash, input);
        const inserted = await trx
          .insertInto('audit')
          .values({
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
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await trx.updateTable('audit_head').set({ seq, hash }).where('id', '=', 1).execute();
        return fromRow(inserted);
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
