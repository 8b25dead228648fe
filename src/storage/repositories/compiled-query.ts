// Queries compiled to SQL once and then run with each call's values. kysely builds a query tree and compiles it on
// every call; for the few queries every filing and approval runs, that cost about as much CPU as SQLite's own work
// on them. A compiled query keeps the SQL text and the tree, and puts the call's values in their parameter slots.
import { type Compilable, type CompiledQuery, createQueryId, type QueryResult } from 'kysely';
import type { Db, StoreContext } from './shared.js';

/** Stands for one named value while the query is compiled; found again among the compiled parameters. */
class Placeholder {
  constructor(readonly name: string) {}
}

type Compiled = Pick<CompiledQuery, 'sql' | 'query' | 'parameters'>;

export interface CompiledOnce<V, O> {
  run(db: Db, ctx: StoreContext, values: V): Promise<QueryResult<O>>;
}

/**
 * `build` is called once per database engine (so it may ask ctx.dialect) with placeholders for the values (`v.id`
 * stands for the call's `id`).
 * Each must be used as a plain value (compared, written to a column), never to shape the query: that is checked
 * when it is compiled. A value that may be absent is passed as null, as the column takes it.
 */
export function compiledOnce<V extends Record<string, unknown>, O>(
  build: (db: Db, values: V, ctx: StoreContext) => Compilable<O>,
): CompiledOnce<V, O> {
  const byDialect = new Map<StoreContext['dialect'], Compiled>();
  return {
    run(db, ctx, values) {
      let compiled = byDialect.get(ctx.dialect);
      if (!compiled) {
        compiled = compileWithPlaceholders(db, ctx, build);
        byDialect.set(ctx.dialect, compiled);
      }
      const parameters = compiled.parameters.map((p) => (p instanceof Placeholder ? values[p.name] : p));
      return db.executeQuery<O>({ sql: compiled.sql, query: compiled.query, queryId: createQueryId(), parameters });
    },
  };
}

function compileWithPlaceholders<V, O>(
  db: Db,
  ctx: StoreContext,
  build: (db: Db, values: V, ctx: StoreContext) => Compilable<O>,
): Compiled {
  const named = new Set<string>();
  const placeholders = new Proxy(
    {},
    {
      get: (_, name) => {
        named.add(String(name));
        return new Placeholder(String(name));
      },
    },
  ) as V;
  const { sql, query, parameters } = build(db, placeholders, ctx).compile();
  const placed = new Set(parameters.flatMap((p) => (p instanceof Placeholder ? [p.name] : [])));
  for (const name of named)
    if (!placed.has(name)) throw new Error(`compiled query: '${name}' is not a parameter of ${JSON.stringify(sql)}`);
  return { sql, query, parameters };
}
