import type { Selectable } from 'kysely';
import type { OutboxMessage, StoreSession } from '../../requests/ports/store.js';
import type { OutboxTable } from '../schema.js';
import { compiledOnce } from './compiled-query.js';
import { type Db, lockedOn, nowIso, parseJsonOnRead, type StoreContext } from './shared.js';

function fromRow(r: Selectable<OutboxTable>): OutboxMessage {
  const m: OutboxMessage = {
    id: r.id,
    idempotencyKey: r.idempotency_key,
    conversationKey: r.conversation_key,
    operation: r.operation as OutboxMessage['operation'],
    activity: null as never, // parsed when first read (below); declared here to keep the field order
    createdAt: r.created_at,
    status: r.status as OutboxMessage['status'],
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
  };
  // Most readers (enqueue's caller, a look-up by key) never read the card itself.
  parseJsonOnRead(m, 'activity', r.activity);
  if (r.update_of !== null) m.updateOf = r.update_of;
  if (r.request_id !== null) m.requestId = r.request_id;
  if (r.activity_id !== null) m.activityId = r.activity_id;
  if (r.last_error !== null) m.lastError = r.last_error;
  if (r.in_flight_at !== null) m.inFlightAt = r.in_flight_at;
  if (r.in_flight_by !== null) m.inFlightBy = r.in_flight_by;
  return m;
}

// The queries every filing and approval runs, compiled once (compiled-query.ts).
const insertUnlessKeyTaken = compiledOnce(
  (
    db,
    v: {
      idempotencyKey: string;
      conversationKey: string;
      operation: string;
      updateOf: string | null;
      activity: string;
      requestId: string | null;
      createdAt: string;
    },
  ) =>
    db
      .insertInto('outbox')
      .values({
        idempotency_key: v.idempotencyKey,
        conversation_key: v.conversationKey,
        operation: v.operation,
        update_of: v.updateOf,
        activity: v.activity,
        request_id: v.requestId,
        next_attempt_at: v.createdAt,
        created_at: v.createdAt,
      })
      // idempotency_key is UNIQUE: a retried step that enqueues the same message again inserts nothing.
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returningAll(),
);
const selectByKey = compiledOnce((db, v: { idempotencyKey: string }) =>
  db.selectFrom('outbox').selectAll().where('idempotency_key', '=', v.idempotencyKey),
);

export function outboxRepository(db: Db, ctx: StoreContext): StoreSession['outbox'] {
  const { clock } = ctx;
  return {
    async enqueue(message) {
      const [row] = (
        await insertUnlessKeyTaken.run(db, ctx, {
          idempotencyKey: message.idempotencyKey,
          conversationKey: message.conversationKey,
          operation: message.operation,
          updateOf: message.updateOf ?? null,
          activity: JSON.stringify(message.activity),
          requestId: message.requestId ?? null,
          createdAt: message.createdAt,
        })
      ).rows;
      return row ? fromRow(row) : undefined;
    },

    async due(now, limit) {
      const rows = await db
        .selectFrom('outbox')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },

    async getByKey(idempotencyKey) {
      const [r] = (await selectByKey.run(db, ctx, { idempotencyKey })).rows;
      return r ? fromRow(r) : undefined;
    },

    async markSent(id, activityId) {
      await db
        .updateTable('outbox')
        .set((eb) => ({
          status: 'sent',
          activity_id: activityId ?? null,
          sent_at: nowIso(clock),
          attempts: eb('attempts', '+', 1),
          last_error: null,
          in_flight_at: null,
          in_flight_by: null,
        }))
        .where('id', '=', id)
        .execute();
    },

    async markFailed(id, error, nextAttemptAt, dead) {
      await db
        .updateTable('outbox')
        .set((eb) => ({
          status: dead ? 'dead' : 'pending',
          attempts: eb('attempts', '+', 1),
          last_error: error,
          next_attempt_at: nextAttemptAt,
          in_flight_at: null,
          in_flight_by: null,
        }))
        .where('id', '=', id)
        .execute();
    },

    async list(filter = {}) {
      let q = db.selectFrom('outbox').selectAll();
      if (filter.status !== undefined) q = q.where('status', '=', filter.status);
      if (filter.conversationKey !== undefined) q = q.where('conversation_key', '=', filter.conversationKey);
      return (await q.orderBy('id').execute()).map(fromRow);
    },

    async pendingHeads() {
      const rows = await db
        .selectFrom('outbox')
        .select(['conversation_key', 'next_attempt_at'])
        .where('status', '=', 'pending')
        .orderBy('id')
        .execute();
      const heads = new Map<string, string>();
      for (const r of rows) if (!heads.has(r.conversation_key)) heads.set(r.conversation_key, r.next_attempt_at);
      return [...heads].map(([conversationKey, nextAttemptAt]) => ({ conversationKey, nextAttemptAt }));
    },

    async retryDead(ids) {
      if (ids !== undefined && ids.length === 0) return 0;
      // Back to pending, due immediately, with a fresh attempt budget; lastError is kept for the record.
      let q = db
        .updateTable('outbox')
        .set({ status: 'pending', attempts: 0, next_attempt_at: nowIso(clock) })
        .where('status', '=', 'dead');
      if (ids !== undefined) q = q.where('id', 'in', ids);
      const r = await q.executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    async markInFlight(id, sender, at) {
      await db.updateTable('outbox').set({ in_flight_at: at, in_flight_by: sender }).where('id', '=', id).execute();
    },

    async lockSendLog() {
      // PostgreSQL: the lock row FOR UPDATE, held to the end of the transaction. SQLite: BEGIN IMMEDIATE already holds
      // the one write lock.
      await lockedOn(ctx, db.selectFrom('outbox_send_lock').select('id').where('id', '=', 1)).executeTakeFirst();
      return (await ctx.databaseNow(db)).getTime();
    },

    async sendTimes(conversationKey, since) {
      let q = db.selectFrom('outbox_sends').select('sent_at').where('sent_at', '>', since);
      if (conversationKey !== undefined) q = q.where('conversation_key', '=', conversationKey);
      return (await q.orderBy('sent_at').execute()).map((r) => Number(r.sent_at));
    },

    async recordSend(conversationKey, at) {
      const row = await db
        .insertInto('outbox_sends')
        .values({ conversation_key: conversationKey, sent_at: at })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },

    async completeSend(id) {
      const now = (await ctx.databaseNow(db)).getTime();
      await db.updateTable('outbox_sends').set({ sent_at: now }).where('id', '=', id).execute();
      return now;
    },

    async pruneSends(before) {
      const r = await db.deleteFrom('outbox_sends').where('sent_at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
