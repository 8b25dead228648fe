import { sql } from 'kysely';
import type { GovernanceRequest } from '../../requests/model.js';
import type { RequestFilter, StoreSession } from '../../requests/ports/store.js';
import { compiledOnce } from './compiled-query.js';
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

type RequestRow = ReturnType<typeof row>;

// The queries every filing and approval runs, compiled once (compiled-query.ts).
const takeNextId = compiledOnce((db) =>
  db
    .updateTable('request_seq')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', 'requests')
    .returning('value'),
);
/** Every column but the id, as placeholders of `v`. */
const columnsOf = (v: RequestRow) => ({
  version: v.version,
  type: v.type,
  status: v.status,
  requester_id: v.requester_id,
  created_at: v.created_at,
  updated_at: v.updated_at,
  body: v.body,
});
const insertRow = compiledOnce((db, v: RequestRow) => db.insertInto('requests').values({ id: v.id, ...columnsOf(v) }));
const selectById = compiledOnce((db, v: { id: string }) =>
  db.selectFrom('requests').select(['body', 'version']).where('id', '=', v.id),
);
/**
 * Only the columns a change of state changes: type, requester and filing time are fixed when a request is filed, and
 * SQLite rewrites the index entries of every column SET (same value or not), a page more in each approval's COMMIT.
 */
const updateAtVersion = compiledOnce((db, v: RequestRow & { expectedVersion: number }) =>
  db
    .updateTable('requests')
    .set({ version: v.version, status: v.status, updated_at: v.updated_at, body: v.body })
    .where('id', '=', v.id)
    .where('version', '=', v.expectedVersion),
);

export function requestsRepository(db: Db, ctx: StoreContext): StoreSession['requests'] {
  // Insertion order, to break ties between requests created in the same millisecond: SQLite's rowid, and on
  // PostgreSQL (which has no stable rowid) the row_no column its migration adds.
  const insertionOrder = sql.ref(ctx.dialect === 'postgres' ? 'row_no' : 'rowid');
  return {
    async nextId() {
      // One statement: atomic under concurrency and across processes; a number is never handed out twice,
      // even when the request that would have used it is never stored.
      const [r] = (await takeNextId.run(db, ctx, {})).rows;
      if (!r) throw new Error('the request_seq row is missing');
      return `${REQUEST_ID_PREFIX}${r.value}`;
    },

    async insert(request) {
      // Primary key: a duplicate id throws (SQLITE_CONSTRAINT_PRIMARYKEY).
      await insertRow.run(db, ctx, row(request, request.version));
    },

    async get(id) {
      const [r] = (await selectById.run(db, ctx, { id })).rows;
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
      const next = { ...row(request, expectedVersion + 1), expectedVersion };
      const result = await updateAtVersion.run(db, ctx, next);
      return (result.numAffectedRows ?? 0n) > 0n;
    },
  };
}
