// Known-answer vectors for the audit hash chain, computed outside this code base from the documented form
// (README, "Ops CLI": hash = sha256_hex(previous hash + canonical JSON of the record's content), "" before the
// first record), then every hashed field of a stored record tampered in turn: `govbot audit verify` must name it.
//
// The expected hashes were produced with coreutils, not with src/storage/audit-hash.ts:
//   H1=$(printf '%s' "$J1" | sha256sum | cut -d' ' -f1)
//   H2=$(printf '%s%s' "$H1" "$J2" | sha256sum | cut -d' ' -f1)
//   H3=$(printf '%s%s' "$H2" "$J3" | sha256sum | cut -d' ' -f1)
// where J1, J2, J3 are the canonical JSON literals below (keys sorted at every level, no whitespace, UTF-8).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { runCli } from '../../src/cli/program.js';
import { auditContent, canonicalJson } from '../../src/storage/audit-hash.js';
import { DATABASE_FILENAME, openSqliteStore } from '../../src/storage/sqlite-store.js';

const J1 =
  '{"action":"request.created","actorId":"d17b9743-c9fd-59a8-adc7-4023de8a4719","actorUpn":"meganb@contoso.onmicrosoft.com","apiCalls":[{"method":"POST","status":200,"url":"https://api.bap.microsoft.com/x"}],"at":"2025-03-01T10:00:00.000Z","outcome":"success","requestId":"REQ-1001"}';
const H1 = '318e5f15d23995ed16371fd7cb527c9d8fac6e441636ea4fe49aa6ec09d28591';
const J2 =
  '{"action":"request.approved","actorId":"4ae9ae11-697a-53cf-a0aa-bfd8794b7945","at":"2025-03-01T10:05:00.000Z","correlationId":"act-42","details":{"comment":"Zürich team, approved","stage":{"index":0,"name":"Admins"}},"environmentId":"f91ab5a8-0394-5ba2-bed5-57d89cdce93a","outcome":"success","requestId":"REQ-1001","targetId":"1205d490-732f-537a-acd3-a0aa663f609f","targetType":"user"}';
const H2 = 'f3b91e9655fbe4d554ab28e9dd8a837744d860c07ffc0f733c0ccf343e4d208d';
const J3 =
  '{"action":"execution.completed","actorId":"system","apiCalls":[{"method":"GET","status":200,"url":"https://api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/f91ab5a8-0394-5ba2-bed5-57d89cdce93a/roleAssignments?api-version=2021-04-01"},{"method":"POST","status":200,"url":"https://api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/f91ab5a8-0394-5ba2-bed5-57d89cdce93a/modifyRoleAssignments?api-version=2021-04-01"}],"at":"2025-03-01T10:05:03.250Z","details":{"alreadyHeld":false,"environment":"Marketing Sandbox","path":"bap-role-assignment"},"environmentId":"f91ab5a8-0394-5ba2-bed5-57d89cdce93a","outcome":"success","requestId":"REQ-1001"}';
const H3 = '2caf55e297a78a887eb53a2dedbcf0967b06a70cefdaac851d12802828b648c2';

const bap = 'https://api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments';
const marketing = 'f91ab5a8-0394-5ba2-bed5-57d89cdce93a';

describe('audit chain: known-answer vectors and tampering with every field', () => {
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'govbot-audit-kat-'));
    const store = await openSqliteStore({ dataDir: dir });
    // Written in the field order the code happens to use; the canonical form sorts them.
    await store.audit.append({
      at: '2025-03-01T10:00:00.000Z',
      actorId: 'd17b9743-c9fd-59a8-adc7-4023de8a4719',
      actorUpn: 'meganb@contoso.onmicrosoft.com',
      action: 'request.created',
      outcome: 'success',
      requestId: 'REQ-1001',
      apiCalls: [{ method: 'POST', url: 'https://api.bap.microsoft.com/x', status: 200 }],
    });
    await store.audit.append({
      at: '2025-03-01T10:05:00.000Z',
      actorId: '4ae9ae11-697a-53cf-a0aa-bfd8794b7945',
      action: 'request.approved',
      outcome: 'success',
      requestId: 'REQ-1001',
      targetType: 'user',
      targetId: '1205d490-732f-537a-acd3-a0aa663f609f',
      environmentId: marketing,
      correlationId: 'act-42',
      details: { stage: { name: 'Admins', index: 0 }, comment: 'Zürich team, approved' },
    });
    await store.audit.append({
      at: '2025-03-01T10:05:03.250Z',
      actorId: 'system',
      action: 'execution.completed',
      outcome: 'success',
      requestId: 'REQ-1001',
      environmentId: marketing,
      apiCalls: [
        { method: 'GET', url: `${bap}/${marketing}/roleAssignments?api-version=2021-04-01`, status: 200 },
        { method: 'POST', url: `${bap}/${marketing}/modifyRoleAssignments?api-version=2021-04-01`, status: 200 },
      ],
      details: { path: 'bap-role-assignment', environment: 'Marketing Sandbox', alreadyHeld: false },
    });
    await store.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function stored() {
    const store = await openSqliteStore({ dataDir: dir });
    try {
      return await store.audit.list();
    } finally {
      await store.close();
    }
  }

  /** `govbot audit verify` in this process: its exit status and what it printed. */
  async function auditVerify(): Promise<{ code: number; out: string }> {
    let out = '';
    const code = await runCli(['--data-dir', dir, 'audit', 'verify'], {
      out: (s) => {
        out += s;
      },
      err: (s) => {
        out += s;
      },
    });
    return { code, out };
  }

  it('stores the hashes computed independently with sha256sum', async () => {
    const records = await stored();
    assert.deepEqual(
      records.map((r) => canonicalJson(auditContent(r))),
      [J1, J2, J3],
      'the canonical form as documented',
    );
    assert.deepEqual(
      records.map((r) => [r.seq, r.prevHash, r.hash]),
      [
        [1, '', H1],
        [2, H1, H2],
        [3, H2, H3],
      ],
    );
    const verify = await auditVerify();
    assert.equal(verify.code, 0, verify.out);
    assert.match(verify.out, new RegExp(`intact: 3 record\\(s\\), head ${H3.slice(0, 16)}`));
  });

  // Record 2 as an attacker with the database file would rewrite it (append-only triggers dropped first).
  const tampering: [field: string, sql: string, names: RegExp][] = [
    ['time (at)', "UPDATE audit SET at = '2025-03-01T09:05:00.000Z' WHERE seq = 2", /record 2 \(content-altered\)/],
    ['actor (actor_id)', "UPDATE audit SET actor_id = 'someone-else' WHERE seq = 2", /record 2 \(content-altered\)/],
    [
      'actor UPN (actor_upn)',
      "UPDATE audit SET actor_upn = 'pattif@contoso.onmicrosoft.com' WHERE seq = 2",
      /record 2 \(content-altered\)/,
    ],
    ['action', "UPDATE audit SET action = 'request.rejected' WHERE seq = 2", /record 2 \(content-altered\)/],
    ['outcome', "UPDATE audit SET outcome = 'failure' WHERE seq = 2", /record 2 \(content-altered\)/],
    ['request', "UPDATE audit SET request_id = 'REQ-1002' WHERE seq = 2", /record 2 \(content-altered\)/],
    ['target type', "UPDATE audit SET target_type = 'group' WHERE seq = 2", /record 2 \(content-altered\)/],
    [
      'target (target_id)',
      "UPDATE audit SET target_id = '260c90d6-34d9-5c1d-9e59-79b58950a8cb' WHERE seq = 2",
      /record 2 \(content-altered\)/,
    ],
    ['environment', "UPDATE audit SET environment_id = 'elsewhere' WHERE seq = 2", /record 2 \(content-altered\)/],
    ['correlation id', "UPDATE audit SET correlation_id = 'act-43' WHERE seq = 2", /record 2 \(content-altered\)/],
    [
      'details',
      `UPDATE audit SET details = '{"comment":"Zurich team, approved","stage":{"index":0,"name":"Admins"}}' WHERE seq = 2`,
      /record 2 \(content-altered\)/,
    ],
    [
      'API calls (added to a record that had none)',
      `UPDATE audit SET api_calls = '[{"method":"DELETE","status":200,"url":"https://graph.microsoft.com/v1.0/users/x"}]' WHERE seq = 2`,
      /record 2 \(content-altered\)/,
    ],
    [
      'API calls (a status changed)',
      'UPDATE audit SET api_calls = replace(api_calls, \'"status":200}]\', \'"status":500}]\') WHERE seq = 3',
      /record 3 \(content-altered\)/,
    ],
    [
      'sequence (records 2 and 3 swapped)',
      'UPDATE audit SET seq = 100 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 100',
      /record 2 \(link-broken\)/,
    ],
    ['sequence (record 3 renumbered)', 'UPDATE audit SET seq = 7 WHERE seq = 3', /record 7 \(sequence-gap\)/],
  ];
  for (const [field, sql, names] of tampering) {
    it(`audit verify names the record whose ${field} was changed`, async () => {
      const db = new SQLite(join(dir, DATABASE_FILENAME));
      db.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');
      db.exec(sql);
      const { changes } = db.prepare('SELECT total_changes() AS changes').get() as { changes: number };
      db.close();
      assert.ok(changes >= 1, 'the tampering changed a row');
      const verify = await auditVerify();
      assert.equal(verify.code, 1, verify.out);
      assert.match(verify.out, /audit chain BROKEN at /);
      assert.match(verify.out, names);
    });
  }
});
