import { sql } from 'kysely';
import type { StoreSession } from '../../requests/ports/store.js';
import { compiledOnce } from './compiled-query.js';
import { type Db, parseJson, type StoreContext } from './shared.js';

/** Request statuses in which the bot will still write to the requester (progress, outcome). */
const OPEN_STATUSES = ['pending', 'approved', 'executing'];

// Read on every announcement to a requester: compiled once (compiled-query.ts).
const selectByKey = compiledOnce((db, v: { key: string }) =>
  db.selectFrom('conversations').selectAll().where('key', '=', v.key),
);

export function conversationsRepository(db: Db, ctx: StoreContext): StoreSession['conversations'] {
  return {
    async upsert(record) {
      const values = { key: record.key, reference: JSON.stringify(record.reference), updated_at: record.updatedAt };
      await db
        .insertInto('conversations')
        .values(values)
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({ reference: values.reference, updated_at: values.updated_at }),
        )
        .execute();
    },

    async get(key) {
      const [r] = (await selectByKey.run(db, ctx, { key })).rows;
      return r ? { key: r.key, reference: parseJson(r.reference), updatedAt: r.updated_at } : undefined;
    },

    async pruneUnused(before) {
      // One statement, so what is checked and what is deleted are the same rows.
      const r = await db
        .deleteFrom('conversations as c')
        .where('c.updated_at', '<', before)
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('channels').select('kind').whereRef('channels.conversation_key', '=', 'c.key'))),
        )
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('outbox')
                .select('id')
                .where('outbox.status', '=', 'pending')
                .whereRef('outbox.conversation_key', '=', 'c.key'),
            ),
          ),
        )
        .where(({ not, exists, selectFrom, eb }) =>
          not(
            exists(
              selectFrom('requests as r')
                .select('r.id')
                .where(sql<string>`'personal:' || r.requester_id`, '=', eb.ref('c.key'))
                .where((w) =>
                  w.or([
                    w('r.status', 'in', OPEN_STATUSES),
                    // A time-bound grant stays open until it is reverted (status revoked): its reminders and its
                    // revert notice go to the requester. JSON.stringify writes the key only when it is set.
                    w.and([w('r.status', '=', 'completed'), w('r.body', 'like', '%"grantEndsAt":%')]),
                  ]),
                ),
            ),
          ),
        )
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
