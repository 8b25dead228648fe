// Which tables and indexes a SQLite commit wrote: the pages in the WAL file (each frame a 24-byte header whose first
// 4 bytes are the page number, after a 32-byte file header), named by the b-tree that owns them (dbstat).
import { readFileSync } from 'node:fs';
import type SQLite from 'better-sqlite3';

/** Frames the WAL holds (from the start: empty it first with `wal_checkpoint(TRUNCATE)`), counted by b-tree. */
export function walPagesByTree(walFile: string, db: SQLite.Database, frames?: number): Map<string, number> {
  const bytes = readFileSync(walFile);
  const counts = new Map<string, number>();
  if (bytes.length < 32) return counts;
  const pageSize = bytes.readUInt32BE(8);
  const owner = new Map<number, string>();
  for (const r of db.prepare('select name, pageno from dbstat').all() as { name: string; pageno: number }[])
    owner.set(r.pageno, r.name);
  const available = Math.floor((bytes.length - 32) / (24 + pageSize));
  for (let frame = 0; frame < Math.min(available, frames ?? available); frame++) {
    const page = bytes.readUInt32BE(32 + frame * (24 + pageSize));
    const name = owner.get(page) ?? `page ${page}`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}
