import { type Selectable, sql } from 'kysely';
import type { OutboxMessage, StoreSession } from '../../requests/ports/store.js';
import type { OutboxTable } from '../schema.js';
import { compiledOnce } from './compiled-query.js';
import { type Db, insertedId, lockedOn, nowIso, parseJsonOnRead, returningIdOn, type StoreContext } from './shared.js';

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
    ctx,
  ) =>
    returningIdOn(
      ctx,
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
        .onConflict((oc) => oc.column('idempotency_key').doNothing()),
    ),
);
/** An edit into the original's conversation, one INSERT … SELECT (the WHERE also keeps SQLite's upsert unambiguous). */
const insertEditUnlessKeyTaken = compiledOnce(
  (
    db,
    v: {
      idempotencyKey: string;
      updateOf: string;
      activity: string;
      requestId: string | null;
      createdAt: string;
    },
  ) =>
    db
      .insertInto('outbox')
      .columns([
        'idempotency_key',
        'conversation_key',
        'operation',
        'update_of',
        'activity',
        'request_id',
        'next_attempt_at',
        'created_at',
      ])
      .expression((eb) =>
        eb
          .selectFrom('outbox')
          .select([
            sql<string>`cast(${v.idempotencyKey} as text)`.as('idempotency_key'),
            'conversation_key',
            sql<string>`'update'`.as('operation'),
            sql<string>`cast(${v.updateOf} as text)`.as('update_of'),
            sql<string>`cast(${v.activity} as text)`.as('activity'),
            sql<string>`cast(${v.requestId} as text)`.as('request_id'),
            sql<string>`cast(${v.createdAt} as text)`.as('next_attempt_at'),
            sql<string>`cast(${v.createdAt} as text)`.as('created_at'),
          ])
          .where('idempotency_key', '=', v.updateOf),
      )
      .onConflict((oc) => oc.column('idempotency_key').doNothing()),
);
const selectByKey = compiledOnce((db, v: { idempotencyKey: string }) =>
  db.selectFrom('outbox').selectAll().where('idempotency_key', '=', v.idempotencyKey),
);
// And those the outbox worker runs for every message it sends (its lane's queue, the send log, the outcome).
const selectQueue = compiledOnce((db, v: { status: string; conversationKey: string }) =>
  db
    .selectFrom('outbox')
    .selectAll()
    .where('status', '=', v.status)
    .where('conversation_key', '=', v.conversationKey)
    .orderBy('id'),
);
const selectPendingHeads = compiledOnce((db) =>
  db.selectFrom('outbox').select(['conversation_key', 'next_attempt_at']).where('status', '=', 'pending').orderBy('id'),
);
const updateSent = compiledOnce((db, v: { id: number; activityId: string | null; sentAt: string }) =>
  db
    .updateTable('outbox')
    .set((eb) => ({
      status: 'sent',
      activity_id: v.activityId,
      sent_at: v.sentAt,
      attempts: eb('attempts', '+', 1),
      last_error: null,
      in_flight_at: null,
      in_flight_by: null,
    }))
    .where('id', '=', v.id),
);
const updateInFlight = compiledOnce((db, v: { id: number; sender: string; at: string }) =>
  db.updateTable('outbox').set({ in_flight_at: v.at, in_flight_by: v.sender }).where('id', '=', v.id),
);
const selectSendLock = compiledOnce((db, _, ctx) =>
  lockedOn(ctx, db.selectFrom('outbox_send_lock').select('id').where('id', '=', 1)),
);
const selectSendTimes = compiledOnce((db, v: { since: number }) =>
  db.selectFrom('outbox_sends').select('sent_at').where('sent_at', '>', v.since).orderBy('sent_at'),
);
const selectConversationSendTimes = compiledOnce((db, v: { since: number; conversationKey: string }) =>
  db
    .selectFrom('outbox_sends')
    .select('sent_at')
    .where('sent_at', '>', v.since)
    .where('conversation_key', '=', v.conversationKey)
    .orderBy('sent_at'),
);
const insertSend = compiledOnce((db, v: { conversationKey: string; at: number }) =>
  db.insertInto('outbox_sends').values({ conversation_key: v.conversationKey, sent_at: v.at }).returning('id'),
);
const updateSendTime = compiledOnce((db, v: { id: number; at: number }) =>
  db.updateTable('outbox_sends').set({ sent_at: v.at }).where('id', '=', v.id),
);

export function outboxRepository(db: Db, ctx: StoreContext): StoreSession['outbox'] {
  const { clock } = ctx;
  return {
    async enqueue(message) {
      const activity = JSON.stringify(message.activity);
      const id = insertedId(
        await insertUnlessKeyTaken.run(db, ctx, {
          idempotencyKey: message.idempotencyKey,
          conversationKey: message.conversationKey,
          operation: message.operation,
          updateOf: message.updateOf ?? null,
          activity,
          requestId: message.requestId ?? null,
          createdAt: message.createdAt,
        }),
      );
      if (id === undefined) return undefined;
      // The row as inserted (the columns' defaults: pending, no attempts, due at once), as fromRow would read it.
      return fromRow({
        id,
        idempotency_key: message.idempotencyKey,
        conversation_key: message.conversationKey,
        operation: message.operation,
        update_of: message.updateOf ?? null,
        activity,
        request_id: message.requestId ?? null,
        status: 'pending',
        attempts: 0,
        next_attempt_at: message.createdAt,
        activity_id: null,
        last_error: null,
        created_at: message.createdAt,
        sent_at: null,
        in_flight_at: null,
        in_flight_by: null,
      });
    },

    async enqueueEdit(edit) {
      const r = await insertEditUnlessKeyTaken.run(db, ctx, {
        idempotencyKey: edit.idempotencyKey,
        updateOf: edit.updateOf,
        activity: JSON.stringify(edit.activity),
        requestId: edit.requestId ?? null,
        createdAt: edit.createdAt,
      });
      return (r.numAffectedRows ?? 0n) > 0n;
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
      await updateSent.run(db, ctx, { id, activityId: activityId ?? null, sentAt: nowIso(clock) });
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
      if (filter.status !== undefined && filter.conversationKey !== undefined) {
        const values = { status: filter.status, conversationKey: filter.conversationKey };
        return (await selectQueue.run(db, ctx, values)).rows.map(fromRow);
      }
      let q = db.selectFrom('outbox').selectAll();
      if (filter.status !== undefined) q = q.where('status', '=', filter.status);
      if (filter.conversationKey !== undefined) q = q.where('conversation_key', '=', filter.conversationKey);
      return (await q.orderBy('id').execute()).map(fromRow);
    },

    async pendingHeads() {
      const { rows } = await selectPendingHeads.run(db, ctx, {});
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
      await updateInFlight.run(db, ctx, { id, sender, at });
    },

    async lockSendLog() {
      // PostgreSQL: the lock row FOR UPDATE, held to the end of the transaction. SQLite: BEGIN IMMEDIATE already holds
      // the one write lock.
      await selectSendLock.run(db, ctx, {});
      return (await ctx.databaseNow(db)).getTime();
    },

    async sendTimes(conversationKey, since) {
      const { rows } =
        conversationKey === undefined
          ? await selectSendTimes.run(db, ctx, { since })
          : await selectConversationSendTimes.run(db, ctx, { since, conversationKey });
      return rows.map((r) => Number(r.sent_at));
    },

    async recordSend(conversationKey, at) {
      const [row] = (await insertSend.run(db, ctx, { conversationKey, at })).rows;
      if (!row) throw new Error('outbox_sends: the insert returned no id');
      return Number(row.id);
    },

    async completeSend(id) {
      const now = (await ctx.databaseNow(db)).getTime();
      await updateSendTime.run(db, ctx, { id, at: now });
      return now;
    },

    async pruneSends(before) {
      const r = await db.deleteFrom('outbox_sends').where('sent_at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
