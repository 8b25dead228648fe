import { sql } from 'kysely';
import type { StoreSession } from '../../requests/ports/store.js';
import { type Db, nowIso, parseJson, type StoreContext, toJson } from './shared.js';

export function kvRepository(db: Db, ctx: StoreContext): StoreSession['kv'] {
  return {
    async get<T>(key: string) {
      const r = await db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
      return r ? parseJson<T>(r.value) : undefined;
    },

    async set<T>(key: string, value: T) {
      const json = toJson(value);
      const at = nowIso(ctx.clock);
      await db
        .insertInto('kv')
        .values({ key, value: json, written_at: at })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, written_at: at }))
        .execute();
    },

    async setIfAbsent<T>(key: string, value: T) {
      // One INSERT … ON CONFLICT DO NOTHING: atomic, so of two racing callers exactly one sees true.
      const r = await db
        .insertInto('kv')
        .values({ key, value: toJson(value), written_at: nowIso(ctx.clock) })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return (r.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },

    async pruneWrittenBefore(prefixes, before) {
      if (prefixes.length === 0) return 0;
      // substr rather than LIKE: a prefix is matched literally (no wildcard escaping), the same on both engines.
      const r = await db
        .deleteFrom('kv')
        .where('written_at', '<', before)
        .where((eb) =>
          eb.or(prefixes.map((p) => eb(sql<string>`substr(${eb.ref('key')}, 1, ${sql.lit(p.length)})`, '=', p))),
        )
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
