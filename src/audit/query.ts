// Audit filters as people type them (CLI flags, chat): absolute ISO times or relative ones ("7d", "12h"),
// users by object id or UPN. Turns them into the store's AuditFilter.
import type { AuditFilter, AuditRecord, Store } from '../requests/ports/store.js';

export interface AuditQuery {
  since?: string | undefined;
  until?: string | undefined;
  requestId?: string | undefined;
  /** Object id or UPN of whoever acted. */
  user?: string | undefined;
  environmentId?: string | undefined;
  action?: string | undefined;
  outcome?: string | undefined;
  limit?: number | undefined;
}

export class AuditQueryError extends Error {}

const RELATIVE = /^(\d+)\s*(m|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "2025-03-01", "2025-03-01T10:00:00Z" or "7d" (that long before now) → ISO-8601 UTC. */
export function parseTime(text: string, now: Date): string {
  const rel = RELATIVE.exec(text.trim());
  if (rel) return new Date(now.getTime() - Number(rel[1]) * (UNIT_MS[rel[2]?.toLowerCase() ?? 'd'] ?? 0)).toISOString();
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new AuditQueryError(`not a time: "${text}" (use ISO-8601 like 2025-03-01 or a span like 7d)`);
  return new Date(ms).toISOString();
}

export function toAuditFilter(query: AuditQuery, now: Date): AuditFilter {
  const filter: AuditFilter = {};
  if (query.since) filter.since = parseTime(query.since, now);
  if (query.until) filter.until = parseTime(query.until, now);
  if (query.requestId) filter.requestId = query.requestId;
  if (query.environmentId) filter.environmentId = query.environmentId;
  if (query.action) filter.action = query.action;
  if (query.outcome) filter.outcome = query.outcome;
  if (query.limit !== undefined) filter.limit = query.limit;
  if (query.user && !query.user.includes('@')) filter.actorId = query.user;
  return filter;
}

/** Runs the query; a UPN is matched on the records themselves (the store indexes object ids only). */
export async function queryAudit(store: Pick<Store, 'audit'>, query: AuditQuery, now: Date): Promise<AuditRecord[]> {
  const filter = toAuditFilter(query, now);
  const upn = query.user?.includes('@') ? query.user.toLowerCase() : undefined;
  if (!upn) return store.audit.list(filter);
  const { limit, ...rest } = filter;
  const matches = (await store.audit.list(rest)).filter((r) => r.actorUpn?.toLowerCase() === upn);
  return limit === undefined ? matches : matches.slice(-limit);
}
