import { sql } from 'kysely';
import type { GovernanceRequest } from '../../requests/model.js';
import type { RequestFilter, StoreSession } from '../../requests/ports/store.js';
import { type Db, parseJson, type StoreContext } from './shared.js';

export const REQUEST_ID_PREFIX = 'REQ-';

function row(request: GovernanceRequest, version: number) {
  const body: GovernanceRequest = { ...request, version };
  return {
    id: request.id,
    version,
    type: request.type,
    status: request.status,
    requester_id: request.requester.id,
    created_at: request.createdAt,
    updated_at: request.updatedAt,
    body: JSON.stringify(body),
  };
}

function fromRow(r: { body: string; version: number }): GovernanceRequest {
  // The version column is authoritative (it is what the optimistic check compares).
  return { ...parseJson<GovernanceRequest>(r.body), version: r.version };
}

export function requestsRepository(db: Db, ctx: StoreContext): StoreSession['requests'] {
  // Insertion order, to break ties between requests created in the same millisecond: SQLite's rowid, and on
  // PostgreSQL (which has no stable rowid) the row_no column its migration adds.
  const insertionOrder = sql.ref(ctx.dialect === 'postgres' ? 'row_no' : 'rowid');
  return {
    async nextId() {
      // One statement: atomic under concurrency and across processes; a number is never handed out twice,
      // even when the request that would have used it is never stored.
      const r = await db
        .updateTable('request_seq')
        .set((eb) => ({ value: eb('value', '+', 1) }))
        .where('name', '=', 'requests')
        .returning('value')
        .executeTakeFirstOrThrow();
      return `${REQUEST_ID_PREFIX}${r.value}`;
    },

    async insert(request) {
      // Primary key: a duplicate id throws (SQLITE_CONSTRAINT_PRIMARYKEY).
      await db.insertInto('requests').values(row(request, request.version)).execute();
    },

    async get(id) {
      const r = await db.selectFrom('requests').select(['body', 'version']).where('id', '=', id).executeTakeFirst();
      return r ? fromRow(r) : undefined;
    },

    async list(filter: RequestFilter = {}) {
      let q = db.selectFrom('requests').select(['body', 'version']);
      if (filter.requesterId !== undefined) q = q.where('requester_id', '=', filter.requesterId);
      if (filter.status !== undefined) {
        if (filter.status.length === 0) return [];
        q = q.where('status', 'in', filter.status);
      }
      if (filter.type !== undefined) q = q.where('type', '=', filter.type);
      // Newest first.
      q = q.orderBy('created_at', 'desc').orderBy(insertionOrder, 'desc');
      if (filter.limit !== undefined) q = q.limit(filter.limit);
      return (await q.execute()).map(fromRow);
    },

    async update(request, expectedVersion) {
      const next = row(request, expectedVersion + 1);
      const result = await db
        .updateTable('requests')
        .set({
          version: next.version,
          type: next.type,
          status: next.status,
          requester_id: next.requester_id,
          created_at: next.created_at,
          updated_at: next.updated_at,
          body: next.body,
        })
        .where('id', '=', request.id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}
