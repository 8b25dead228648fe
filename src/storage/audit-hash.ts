// The audit chain's hashing, shared by the store (when appending) and any verifier (when re-walking the chain).
// hash = sha256_hex(prevHash + canonicalJson(content)), content = the AuditRecordInput fields of the record.
import { createHash } from 'node:crypto';
import type { AuditRecordInput } from '../requests/ports/store.js';

/** The fields that make up a record's hashed content, i.e. every field of AuditRecordInput. */
export const AUDIT_CONTENT_FIELDS = [
  'at',
  'actorId',
  'actorUpn',
  'action',
  'outcome',
  'requestId',
  'targetType',
  'targetId',
  'environmentId',
  'correlationId',
  'apiCalls',
  'details',
] as const satisfies readonly (keyof AuditRecordInput)[];

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/**
 * Deterministic JSON: object keys sorted recursively (by UTF-16 code units), undefined properties omitted,
 * otherwise exactly JSON.stringify's rules (toJSON honoured, undefined in arrays and non-finite numbers → null).
 * So a value and its JSON round trip (what the store reads back) serialise identically.
 */
export function canonicalJson(value: unknown): string {
  const plain = JSON.stringify(value);
  if (plain === undefined) return 'null';
  return JSON.stringify(sortKeys(JSON.parse(plain)));
}

/** The hashed content of an audit record: its AuditRecordInput fields only (seq, prevHash and hash excluded). */
export function auditContent(input: AuditRecordInput): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  for (const field of AUDIT_CONTENT_FIELDS) {
    const v = input[field];
    if (v !== undefined) content[field] = v;
  }
  return content;
}

/** sha256 (hex) over prevHash followed by the canonical JSON of the record's content. Accepts an AuditRecord too. */
export function computeAuditHash(prevHash: string, input: AuditRecordInput): string {
  return createHash('sha256')
    .update(prevHash + canonicalJson(auditContent(input)), 'utf8')
    .digest('hex');
}
