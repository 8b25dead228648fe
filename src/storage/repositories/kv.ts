import { sql } from 'kysely';
import type { StoreSession } from '../../requests/ports/store.js';
import { compiledOnce } from './compiled-query.js';
import { type Db, nowIso, parseJson, type StoreContext, toJson } from './shared.js';

// Read and written on every filing and approval (card copies, de-duplication marks), and the de-duplication mark on
// every incoming message: compiled once (compiled-query.ts).
const selectValue = compiledOnce((db, v: { key: string }) =>
  db.selectFrom('kv').select('value').where('key', '=', v.key),
);
const upsertValue = compiledOnce((db, v: { key: string; value: string; at: string }) =>
  db
    .insertInto('kv')
    .values({ key: v.key, value: v.value, written_at: v.at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: v.value, written_at: v.at })),
);

/** One INSERT … ON CONFLICT DO NOTHING: atomic, so of two racing callers exactly one sees a row inserted. */
const insertIfAbsent = compiledOnce((db, v: { key: string; value: string; at: string }) =>
  db
    .insertInto('kv')
    .values({ key: v.key, value: v.value, written_at: v.at })
    .onConflict((oc) => oc.doNothing()),
);

export function kvRepository(db: Db, ctx: StoreContext): StoreSession['kv'] {
  return {
    async get<T>(key: string) {
      const [r] = (await selectValue.run(db, ctx, { key })).rows;
      return r ? parseJson<T>(r.value) : undefined;
    },

    async set<T>(key: string, value: T) {
      await upsertValue.run(db, ctx, { key, value: toJson(value), at: nowIso(ctx.clock) });
    },

    async setIfAbsent<T>(key: string, value: T) {
      const r = await insertIfAbsent.run(db, ctx, { key, value: toJson(value), at: nowIso(ctx.clock) });
      return (r.numAffectedRows ?? 0n) > 0n;
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
