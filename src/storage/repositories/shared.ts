import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** The database handle repositories run on: the store's Kysely, or a Transaction (which extends it). */
export type Db = Kysely<Database>;

/** Injected time source; repositories never read the wall clock themselves. */
export type Clock = () => Date;

export const nowIso = (clock: Clock): string => clock().toISOString();

/**
 * Runs fn atomically: on the given transaction when already inside one (so it joins the caller's unit of work),
 * otherwise in a transaction of its own.
 */
export function atomically<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return db.transaction().execute(fn);
}

export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
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
