// SIEM export of audit records. The columns are a stable contract: add new ones at the end, never rename or
// reorder. Times are ISO-8601 UTC; api_calls is "METHOD status url" entries joined by " | " in CSV and an array
// in JSONL. Details (free text from chat) are left out on purpose: an export carries what an audit needs.
import type { AuditRecord } from '../requests/ports/store.js';

export const EXPORT_COLUMNS = [
  'timestamp',
  'actor_id',
  'actor_upn',
  'action',
  'target_type',
  'target_id',
  'environment_id',
  'request_id',
  'outcome',
  'api_calls',
  'correlation_id',
  'seq',
  'hash',
  'scope',
  'classification',
  'change',
] as const;

export type ExportColumn = (typeof EXPORT_COLUMNS)[number];
export type ExportFormat = 'csv' | 'jsonl';

export interface ExportRow {
  timestamp: string;
  actor_id: string;
  actor_upn: string;
  action: string;
  target_type: string;
  target_id: string;
  environment_id: string;
  request_id: string;
  outcome: string;
  api_calls: { method: string; url: string; status: number }[];
  correlation_id: string;
  seq: number;
  hash: string;
  /** Connector unblock: tenant-wide | exception, as approved or executed. */
  scope: string;
  /** Connector unblock: Business | Non-business. */
  classification: string;
  /** What an execution changed: policies, new exception policies, environments that gained the connector. */
  change: string;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const names = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Structured facts the bot itself writes (never free text from chat): the change an execution made. */
function changeOf(details: Record<string, unknown> | undefined): string {
  if (!details) return '';
  const parts: string[] = [];
  const changed = names(details.changedPolicies);
  const created = names(details.exceptionPolicies);
  const gained = names(details.environmentsGained);
  if (changed.length > 0) parts.push(`changed policies: ${changed.join('; ')}`);
  if (created.length > 0) parts.push(`new policies: ${created.join('; ')}`);
  if (gained.length > 0) parts.push(`environments gained the connector: ${gained.join('; ')}`);
  return parts.join(' / ');
}

export function toExportRow(r: AuditRecord): ExportRow {
  return {
    timestamp: r.at,
    actor_id: r.actorId,
    actor_upn: r.actorUpn ?? '',
    action: r.action,
    target_type: r.targetType ?? '',
    target_id: r.targetId ?? '',
    environment_id: r.environmentId ?? '',
    request_id: r.requestId ?? '',
    outcome: r.outcome,
    api_calls: (r.apiCalls ?? []).map((c) => ({ method: c.method, url: c.url, status: c.status })),
    correlation_id: r.correlationId ?? '',
    seq: r.seq,
    hash: r.hash,
    scope: text(r.details?.scope),
    classification: text(r.details?.classification),
    change: changeOf(r.details),
  };
}

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so a spreadsheet never runs a cell as a formula. */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvValue(row: ExportRow, column: ExportColumn): string | number {
  if (column === 'api_calls') return row.api_calls.map((c) => `${c.method} ${c.status} ${c.url}`).join(' | ');
  return row[column];
}

/** Lines of the export, header first for CSV; each ends with \n. */
export function* exportLines(records: Iterable<AuditRecord>, format: ExportFormat): Generator<string> {
  if (format === 'csv') yield `${EXPORT_COLUMNS.join(',')}\r\n`;
  for (const record of records) {
    const row = toExportRow(record);
    if (format === 'jsonl') yield `${JSON.stringify(row)}\n`;
    else yield `${EXPORT_COLUMNS.map((c) => csvCell(csvValue(row, c))).join(',')}\r\n`;
  }
}

export function exportAudit(records: Iterable<AuditRecord>, format: ExportFormat): string {
  return [...exportLines(records, format)].join('');
}
