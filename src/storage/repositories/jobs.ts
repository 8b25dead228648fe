import { type Compilable, type Selectable, sql } from 'kysely';
import { type Job, LeaseLostError, type StoreSession } from '../../requests/ports/store.js';
import type { JobsTable } from '../schema.js';
import { type CompiledOnce, compiledOnce } from './compiled-query.js';
import {
  atomically,
  type Db,
  insertedId,
  lockedOn,
  nowIso,
  parseJson,
  returningIdOn,
  type StoreContext,
} from './shared.js';

export const DEFAULT_MAX_ATTEMPTS = 5;

/** lastError written on jobs cancelled by cancelByPrefix (their status becomes 'done'). */
export const CANCELLED_ERROR = 'cancelled';

function fromRow(r: Selectable<JobsTable>): Job {
  const job: Job = {
    id: r.id,
    kind: r.kind,
    payload: parseJson(r.payload),
    runAt: r.run_at,
    maxAttempts: r.max_attempts,
    status: r.status as Job['status'],
    attempts: r.attempts,
  };
  if (r.dedupe_key !== null) job.dedupeKey = r.dedupe_key;
  if (r.lease_until !== null) job.leaseUntil = r.lease_until;
  if (r.last_error !== null) job.lastError = r.last_error;
  return job;
}

// The queries every filing and approval runs, compiled once (compiled-query.ts).
const insertUnlessLive = compiledOnce(
  (
    db,
    v: {
      kind: string;
      payload: string;
      runAt: string;
      dedupeKey: string | null;
      maxAttempts: number;
      createdAt: string;
    },
    ctx,
  ) =>
    returningIdOn(
      ctx,
      db
        .insertInto('jobs')
        .values({
          kind: v.kind,
          payload: v.payload,
          run_at: v.runAt,
          dedupe_key: v.dedupeKey,
          max_attempts: v.maxAttempts,
          created_at: v.createdAt,
        })
        // The partial unique index jobs_live_dedupe (dedupe_key where status in pending/running) makes this atomic:
        // a second live job with the same key is silently not inserted.
        .onConflict((oc) => oc.doNothing()),
    ),
);
/**
 * The cancel of n prefixes, compiled once for each n used (one statement whatever the count). The keys are read as one
 * range of the live jobs' dedupe-key index (jobs_live_dedupe), from the lowest prefix to past the highest, so a cancel
 * reads the few jobs of its request: by status, it read every pending job of every request (SQLite picks the status
 * index unless told, hence INDEXED BY there; an OR of ranges it would read as the whole index).
 */
const cancelPendingByPrefixes = new Map<number, CompiledOnce<Record<string, string | number>, unknown>>();
function cancelPendingByPrefix(n: number) {
  let query = cancelPendingByPrefixes.get(n);
  if (!query) {
    query = compiledOnce((db, v: Record<string, string | number>, ctx): Compilable<unknown> => {
      const table = ctx.dialect === 'sqlite' ? sql`jobs INDEXED BY jobs_live_dedupe` : sql`jobs`;
      // substr comparison, not LIKE: exact and case-sensitive, no wildcard escaping; the range only narrows the read.
      const prefixes = sql.join(
        Array.from({ length: n }, (_, i) => sql`substr(dedupe_key, 1, ${v[`length${i}`]}) = ${v[`prefix${i}`]}`),
        sql` OR `,
      );
      return {
        // The partial index's own condition is written out, so that SQLite may use it.
        compile: () =>
          sql`UPDATE ${table} SET status = 'done', lease_until = NULL, last_error = ${CANCELLED_ERROR}
              WHERE dedupe_key IS NOT NULL AND status IN ('pending', 'running') AND status = 'pending'
              AND dedupe_key >= ${v.from} AND dedupe_key < ${v.below} AND (${prefixes})`.compile(db),
      };
    });
    cancelPendingByPrefixes.set(n, query);
  }
  return query;
}

/**
 * The first key after every key that starts with prefix (its last character one higher), in the byte order of both
 * engines' key column (SQLite's BINARY, PostgreSQL's "C"); undefined for a prefix whose order JavaScript and the
 * engines may see differently.
 */
export function keysBelow(prefix: string): string | undefined {
  // Beyond U+D7FF, JavaScript's order of strings (UTF-16) and the engines' (UTF-8 bytes) differ.
  if (/[\uD800-\uFFFF]/.test(prefix)) return undefined;
  const last = prefix.charCodeAt(prefix.length - 1);
  if (!(last >= 0 && last < 0xd7ff)) return undefined;
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

/** A prefix keysBelow cannot bound: every pending job is read, as before. */
const cancelPendingByPrefixScan = compiledOnce((db, v: { prefix: string; length: number }) =>
  db
    .updateTable('jobs')
    .set({ status: 'done', lease_until: null, last_error: CANCELLED_ERROR })
    .where('status', '=', 'pending')
    .where(sql<boolean>`substr(dedupe_key, 1, ${v.length}) = ${v.prefix}`),
);

export function jobsRepository(db: Db, ctx: StoreContext): StoreSession['jobs'] {
  const { clock } = ctx;
  /** The job row still held by this attempt (locked until the transaction ends on PostgreSQL), or LeaseLostError. */
  const held = async (trx: Db, id: number, attempt: number) => {
    const row = await lockedOn(
      ctx,
      trx
        .selectFrom('jobs')
        .select('id')
        .where('id', '=', id)
        .where('status', '=', 'running')
        .where('attempts', '=', attempt),
    ).executeTakeFirst();
    if (!row) throw new LeaseLostError(`job ${id}`, attempt);
  };
  return {
    async enqueue(input) {
      const values = {
        kind: input.kind,
        payload: JSON.stringify(input.payload),
        runAt: input.runAt,
        dedupeKey: input.dedupeKey ?? null,
        maxAttempts: input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        createdAt: nowIso(clock),
      };
      const id = insertedId(await insertUnlessLive.run(db, ctx, values));
      if (id === undefined) return undefined;
      // The row as inserted (pending, no attempts yet), as fromRow would read it.
      return fromRow({
        id,
        kind: values.kind,
        payload: values.payload,
        run_at: values.runAt,
        dedupe_key: values.dedupeKey,
        max_attempts: values.maxAttempts,
        status: 'pending',
        attempts: 0,
        lease_until: null,
        last_error: null,
        created_at: values.createdAt,
        dead_reported_at: null,
      });
    },

    claimDue(now, leaseUntil, limit) {
      return atomically(db, async (trx) => {
        if (limit <= 0) return [];
        // A running job whose lease expired belongs to a worker that crashed. If it already used all its attempts,
        // it is dead rather than retried forever (a job that crashes its worker every time must not loop).
        await trx
          .updateTable('jobs')
          .set({ status: 'dead', lease_until: null, last_error: 'lease expired (worker stopped) on the last attempt' })
          .where('status', '=', 'running')
          .where('lease_until', '<', now)
          .where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
          .execute();
        // PostgreSQL: rows another replica is claiming right now are skipped, not waited for (SKIP LOCKED), so
        // concurrent claimers take disjoint batches without blocking each other. SQLite's IMMEDIATE transaction
        // already makes claimers take turns.
        let dueQuery = trx
          .selectFrom('jobs')
          .select('id')
          .where((eb) =>
            eb.or([
              eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now)]),
              eb.and([eb('status', '=', 'running'), eb('lease_until', '<', now)]),
            ]),
          )
          .orderBy('run_at')
          .orderBy('id')
          .limit(limit);
        if (ctx.dialect === 'postgres') dueQuery = dueQuery.forUpdate().skipLocked();
        const due = await dueQuery.execute();
        if (due.length === 0) return [];
        const rows = await trx
          .updateTable('jobs')
          .set((eb) => ({ status: 'running', lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
          .where(
            'id',
            'in',
            due.map((d) => d.id),
          )
          .returningAll()
          .execute();
        return rows.map(fromRow).sort((a, b) => (a.runAt < b.runAt ? -1 : a.runAt > b.runAt ? 1 : a.id - b.id));
      });
    },

    complete(id, attempt) {
      return atomically(db, async (trx) => {
        await held(trx, id, attempt);
        await trx.updateTable('jobs').set({ status: 'done', lease_until: null }).where('id', '=', id).execute();
      });
    },

    fail(id, attempt, error, retryAt) {
      return atomically(db, async (trx) => {
        const exists = await trx.selectFrom('jobs').select('id').where('id', '=', id).executeTakeFirst();
        if (!exists) throw new Error(`job ${id} not found`);
        await held(trx, id, attempt);
        const row = await trx
          .updateTable('jobs')
          .set((eb) => ({
            status: eb.case().when('attempts', '>=', eb.ref('max_attempts')).then('dead').else('pending').end(),
            run_at: eb.case().when('attempts', '>=', eb.ref('max_attempts')).then(eb.ref('run_at')).else(retryAt).end(),
            lease_until: null,
            last_error: error,
          }))
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return fromRow(row);
      });
    },

    async list(filter = {}) {
      let q = db.selectFrom('jobs').selectAll();
      if (filter.status !== undefined) q = q.where('status', '=', filter.status);
      if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
      return (await q.orderBy('id').execute()).map(fromRow);
    },

    async cancelByPrefix(...prefixes) {
      if (prefixes.includes('')) throw new Error('cancelByPrefix needs non-empty prefixes');
      if (prefixes.some((prefix) => keysBelow(prefix) === undefined)) {
        let cancelled = 0;
        for (const prefix of prefixes) {
          const r = await cancelPendingByPrefixScan.run(db, ctx, { prefix, length: [...prefix].length });
          cancelled += Number(r.numAffectedRows ?? 0n);
        }
        return cancelled;
      }
      const sorted = [...prefixes].sort();
      const values: Record<string, string | number> = {
        from: sorted[0] ?? '',
        below:
          sorted
            .map((prefix) => keysBelow(prefix) ?? '')
            .sort()
            .at(-1) ?? '',
      };
      prefixes.forEach((prefix, i) => {
        values[`prefix${i}`] = prefix;
        values[`length${i}`] = [...prefix].length; // characters, as substr counts them
      });
      const r = await cancelPendingByPrefix(prefixes.length).run(db, ctx, values);
      return Number(r.numAffectedRows ?? 0n);
    },

    extendLease(id, attempt, leaseUntil) {
      return atomically(db, async (trx) => {
        await held(trx, id, attempt);
        await trx
          .updateTable('jobs')
          .set((eb) => ({
            // Never backwards (a portable max(): SQLite's max() and PostgreSQL's greatest() differ).
            lease_until: eb
              .case()
              .when(eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', leaseUntil)]))
              .then(leaseUntil)
              .else(eb.ref('lease_until'))
              .end(),
          }))
          .where('id', '=', id)
          .execute();
      });
    },

    assertHeld(id, attempt) {
      return atomically(db, (trx) => held(trx, id, attempt));
    },

    async unreportedDead(limit) {
      if (limit <= 0) return [];
      const rows = await db
        .selectFrom('jobs')
        .selectAll()
        .where('status', '=', 'dead')
        .where('dead_reported_at', 'is', null)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },

    async markDeadReported(id, at) {
      await db
        .updateTable('jobs')
        .set({ dead_reported_at: at })
        .where('id', '=', id)
        .where('status', '=', 'dead')
        .execute();
    },

    async pruneFinished(before) {
      const r = await db
        .deleteFrom('jobs')
        .where('status', '=', 'done')
        .where('run_at', '<', before)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
