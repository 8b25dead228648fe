import { type Compilable, type InsertQueryBuilder, type Kysely, type QueryResult, sql } from 'kysely';
import { retryOnConflict } from '../conflict-retry.js';
import type { Database } from '../schema.js';

/** The database handle repositories run on: the store's Kysely, or a Transaction (which extends it). */
export type Db = Kysely<Database>;

/** Injected time source; repositories never read the wall clock themselves. */
export type Clock = () => Date;

/**
 * What a repository needs to know about the database beneath it. The SQL is shared; these are the few places where
 * SQLite and PostgreSQL differ (row locks, the column that orders rows by insertion).
 */
export interface StoreContext {
  clock: Clock;
  dialect: 'sqlite' | 'postgres';
  /** The fleet's time for leases (Store.now): the injected clock in tests, else the database's clock. */
  fleetNow(db: Db): Promise<Date>;
  /** The database's real clock, never an injected one: pacing follows Teams' time, not the domain's. */
  databaseNow(db: Db): Promise<Date>;
}

export const nowIso = (clock: Clock): string => clock().toISOString();

/**
 * Adds FOR UPDATE on PostgreSQL, where concurrent transactions run side by side and a read-then-write needs the row
 * locked. SQLite needs nothing: every write transaction begins IMMEDIATE, holding the one database write lock.
 */
export function lockedOn<Q extends { forUpdate(): Q }>(ctx: StoreContext, query: Q): Q {
  return ctx.dialect === 'postgres' ? query.forUpdate() : query;
}

/**
 * Runs fn atomically: on the given transaction when already inside one (so it joins the caller's unit of work),
 * otherwise in a transaction of its own (run again after a deadlock or serialization failure).
 */
export function atomically<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return retryOnConflict(() => db.transaction().execute(fn));
}

export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/**
 * Gives `target[key]` the value of a JSON column, parsed when first read: most readers of a row never look at its
 * largest column (an outbox message's activity, a whole Adaptive Card), and parsing it for them was a visible share
 * of the store's CPU. Enumerable, so spreads, JSON and deep comparisons see the parsed value; assignable like a field.
 */
export function parseJsonOnRead<T extends object, K extends keyof T>(target: T, key: K, text: string): void {
  const becomeField = (value: T[K]) => {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
    return value;
  };
  Object.defineProperty(target, key, {
    get: () => becomeField(JSON.parse(text) as T[K]),
    set: becomeField,
    enumerable: true,
    configurable: true,
  });
}

export function toJson(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

export function parseJsonOrUndefined<T>(text: string | null): T | undefined {
  return text === null ? undefined : (JSON.parse(text) as T);
}

/** null column → absent property. */
export const opt = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

export const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

/**
 * Asks an insert for the new row's id only: on SQLite from the statement itself (lastInsertRowid, no RETURNING, which
 * SQLite runs as a second pass), on PostgreSQL with RETURNING id. The caller builds the row from what it inserted;
 * returning every column copied a whole Adaptive Card back out of the database for each outbox message.
 */
export function returningIdOn(
  ctx: StoreContext,
  // biome-ignore lint/suspicious/noExplicitAny: an insert into any table with an id column
  query: InsertQueryBuilder<Database, any, any>,
): Compilable<unknown> {
  return ctx.dialect === 'postgres' ? query.returning(sql<number>`id`.as('id')) : query;
}

/** The id of the row an insert built with returningIdOn added, or undefined when it inserted nothing (a conflict). */
export function insertedId(result: QueryResult<unknown>): number | undefined {
  const [row] = result.rows as { id?: number | string }[];
  if (row?.id !== undefined) return Number(row.id);
  if ((result.numAffectedRows ?? 0n) === 0n || result.insertId === undefined) return undefined;
  return Number(result.insertId);
}
