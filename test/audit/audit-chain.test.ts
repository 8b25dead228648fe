// Chain verification against a tampered SQLite file: the append-only triggers are dropped first, as an attacker
// with file access would, then a record is altered, inserted or deleted; verify must name the first broken one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { verifyChain } from '../../src/audit/verify.js';
import { computeAuditHash } from '../../src/storage/audit-hash.js';
import { DATABASE_FILENAME, openSqliteStore } from '../../src/storage/sqlite-store.js';

describe('audit chain verification', () => {
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'govbot-audit-'));
    const store = await openSqliteStore({ dataDir: dir });
    for (let i = 1; i <= 5; i++)
      await store.audit.append({
        at: `2025-03-0${i}T10:00:00.000Z`,
        actorId: 'd17b9743-c9fd-59a8-adc7-4023de8a4719',
        actorUpn: 'meganb@contoso.onmicrosoft.com',
        action: i === 3 ? 'request.approved' : 'request.created',
        outcome: 'success',
        requestId: `REQ-100${i}`,
        apiCalls: [{ method: 'POST', url: 'https://api.bap.microsoft.com/x', status: 200 }],
      });
    await store.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Opens the file the way an attacker would, without the store, and without the append-only triggers. */
  function tamper(fn: (db: SQLite.Database) => void): void {
    const db = new SQLite(join(dir, DATABASE_FILENAME));
    db.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');
    fn(db);
    db.close();
  }

  async function verify() {
    const store = await openSqliteStore({ dataDir: dir });
    try {
      return verifyChain(await store.audit.list());
    } finally {
      await store.close();
    }
  }

  it('accepts an intact chain and reports its head', async () => {
    const report = await verify();
    assert.equal(report.ok, true);
    assert.equal(report.checked, 5);
    assert.match(report.headHash, /^[0-9a-f]{64}$/);
  });

  it('names an altered record', async () => {
    tamper((db) => db.prepare("UPDATE audit SET outcome = 'refused' WHERE seq = 3").run());
    const report = await verify();
    assert.equal(report.ok, false);
    assert.deepEqual([report.firstBreak?.seq, report.firstBreak?.reason], [3, 'content-altered']);
  });

  it('names an altered record even when the attacker recomputed its own hash (the next link breaks)', async () => {
    tamper((db) => {
      const row = db.prepare('SELECT * FROM audit WHERE seq = 3').get() as {
        prev_hash: string;
        at: string;
        actor_id: string;
        actor_upn: string;
        request_id: string;
        api_calls: string;
      };
      const forged = computeAuditHash(row.prev_hash, {
        at: row.at,
        actorId: row.actor_id,
        actorUpn: row.actor_upn,
        action: 'request.approved',
        outcome: 'refused',
        requestId: row.request_id,
        apiCalls: JSON.parse(row.api_calls),
      });
      db.prepare("UPDATE audit SET outcome = 'refused', hash = ? WHERE seq = 3").run(forged);
    });
    const report = await verify();
    assert.deepEqual([report.firstBreak?.seq, report.firstBreak?.reason], [4, 'link-broken']);
  });

  it('names an inserted record', async () => {
    tamper((db) => {
      // Make room at seq 3 (two steps: the primary key must stay unique), then slip in a well-formed record.
      db.exec('UPDATE audit SET seq = seq + 100 WHERE seq >= 3; UPDATE audit SET seq = seq - 99 WHERE seq >= 100;');
      const prev = db.prepare('SELECT hash FROM audit WHERE seq = 2').get() as { hash: string };
      const content = {
        at: '2025-03-02T12:00:00.000Z',
        actorId: 'intruder',
        action: 'request.approved',
        outcome: 'success' as const,
      };
      db.prepare(
        'INSERT INTO audit (seq, at, actor_id, action, outcome, prev_hash, hash) VALUES (3, ?, ?, ?, ?, ?, ?)',
      ).run(
        content.at,
        content.actorId,
        content.action,
        content.outcome,
        prev.hash,
        computeAuditHash(prev.hash, content),
      );
    });
    const report = await verify();
    assert.equal(report.ok, false);
    assert.deepEqual([report.firstBreak?.seq, report.firstBreak?.reason], [3, 'inserted']);
  });

  it('names the record after a deleted one (gap in the sequence)', async () => {
    tamper((db) => db.prepare('DELETE FROM audit WHERE seq = 3').run());
    const report = await verify();
    assert.deepEqual([report.firstBreak?.seq, report.firstBreak?.reason], [4, 'sequence-gap']);
  });

  it('names the record after a deleted one even when the sequence was renumbered', async () => {
    tamper((db) => db.exec('DELETE FROM audit WHERE seq = 3; UPDATE audit SET seq = seq - 1 WHERE seq > 3;'));
    const report = await verify();
    assert.deepEqual([report.firstBreak?.seq, report.firstBreak?.reason], [3, 'link-broken']);
  });
});
