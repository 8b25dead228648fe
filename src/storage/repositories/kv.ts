import type { StoreSession } from '../../requests/ports/store.js';
import { type Db, parseJson, toJson } from './shared.js';

export function kvRepository(db: Db): StoreSession['kv'] {
  return {
    async get<T>(key: string) {
      const r = await db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
      return r ? parseJson<T>(r.value) : undefined;
    },

    async set<T>(key: string, value: T) {
      const json = toJson(value);
      await db
        .insertInto('kv')
        .values({ key, value: json })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: json }))
        .execute();
    },

    async setIfAbsent<T>(key: string, value: T) {
      // One INSERT … ON CONFLICT DO NOTHING: atomic, so of two racing callers exactly one sees true.
      const r = await db
        .insertInto('kv')
        .values({ key, value: toJson(value) })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return (r.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },
  };
}
