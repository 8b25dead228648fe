// Re-walks the audit hash chain. Each record must hash to its stored hash (recomputed with the same function the
// store uses) and name the previous record's hash; sequence numbers must be contiguous. The first record that
// fails any check is named, with why: an altered record breaks its own hash, an inserted or deleted one breaks
// the link of the record after it (a deletion also leaves a gap in seq). Not detectable from the chain alone: records
// cut from the end, or a whole rewritten chain; compare headHash with a copy kept elsewhere (an export, the SIEM).

import type { AuditRecord } from '../requests/ports/store.js';
import { computeAuditHash } from '../storage/audit-hash.js';

export type ChainBreak =
  | { seq: number; reason: 'content-altered'; detail: string }
  | { seq: number; reason: 'link-broken'; detail: string }
  | { seq: number; reason: 'inserted'; detail: string }
  | { seq: number; reason: 'sequence-gap'; detail: string };

export interface ChainReport {
  ok: boolean;
  checked: number;
  /** Hash of the last record checked: note it down elsewhere to detect a truncated tail later. */
  headHash: string;
  firstBreak?: ChainBreak | undefined;
}

export function verifyChain(records: Iterable<AuditRecord>): ChainReport {
  let prev: AuditRecord | undefined;
  let beforePrev: AuditRecord | undefined;
  let checked = 0;
  for (const record of records) {
    checked++;
    if (prev && record.seq !== prev.seq + 1) {
      return broken(checked, prev.hash, {
        seq: record.seq,
        reason: 'sequence-gap',
        detail: `record ${record.seq} follows ${prev.seq}: ${record.seq - prev.seq - 1} record(s) missing`,
      });
    }
    const expectedPrev = prev?.hash ?? '';
    if (record.prevHash !== expectedPrev) {
      if (prev && beforePrev && record.prevHash === beforePrev.hash) {
        // The chain skips prev: prev was slipped in between two genuine records.
        return broken(checked - 1, beforePrev.hash, {
          seq: prev.seq,
          reason: 'inserted',
          detail: `record ${record.seq} links to record ${beforePrev.seq}, so record ${prev.seq} was inserted after the fact`,
        });
      }
      return broken(checked, prev?.hash ?? '', {
        seq: record.seq,
        reason: 'link-broken',
        detail: prev
          ? `its prevHash does not match the hash of record ${prev.seq}: a record was inserted or removed before it`
          : 'the first record does not start the chain',
      });
    }
    if (computeAuditHash(record.prevHash, record) !== record.hash) {
      return broken(checked, prev?.hash ?? '', {
        seq: record.seq,
        reason: 'content-altered',
        detail: 'its content no longer matches its hash: the record was changed after it was written',
      });
    }
    beforePrev = prev;
    prev = record;
  }
  return { ok: true, checked, headHash: prev?.hash ?? '' };
}

function broken(checked: number, headHash: string, firstBreak: ChainBreak): ChainReport {
  return { ok: false, checked, headHash, firstBreak };
}

export function describeReport(report: ChainReport): string {
  if (report.ok)
    return `audit chain intact: ${report.checked} record(s), head ${report.headHash.slice(0, 16) || '(empty)'}`;
  const b = report.firstBreak;
  return `audit chain BROKEN at record ${b?.seq} (${b?.reason}): ${b?.detail}`;
}
