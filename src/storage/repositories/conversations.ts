import type { StoreSession } from '../../requests/ports/store.js';
import { type Db, parseJson } from './shared.js';

export function conversationsRepository(db: Db): StoreSession['conversations'] {
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
      const r = await db.selectFrom('conversations').selectAll().where('key', '=', key).executeTakeFirst();
      return r ? { key: r.key, reference: parseJson(r.reference), updatedAt: r.updated_at } : undefined;
    },
  };
}
