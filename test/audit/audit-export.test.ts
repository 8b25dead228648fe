import assert from 'node:assert/strict';
import { EXPORT_COLUMNS, exportAudit } from '../../src/audit/export.js';
import { parseTime, queryAudit } from '../../src/audit/query.js';
import type { AuditRecordInput, Store } from '../../src/requests/ports/store.js';
import { openSqliteStore } from '../../src/storage/sqlite-store.js';

describe('audit export and query', () => {
  let store: Store;
  const base: AuditRecordInput = { at: '', actorId: 'u1', action: 'request.created', outcome: 'success' };
  beforeEach(async () => {
    store = await openSqliteStore({ filename: ':memory:' });
    await store.audit.append({
      ...base,
      at: '2025-03-01T09:00:00.000Z',
      requestId: 'REQ-1001',
      environmentId: 'env-a',
    });
    await store.audit.append({
      ...base,
      at: '2025-03-02T09:00:00.000Z',
      actorId: 'u2',
      actorUpn: 'Megan@Contoso.com',
      action: 'execution.completed',
      requestId: 'REQ-1001',
      targetType: 'user',
      targetId: '=HYPERLINK("x")',
      environmentId: 'env-a',
      correlationId: 'corr-1',
      apiCalls: [
        { method: 'GET', url: 'https://api.bap.microsoft.com/a', status: 200 },
        { method: 'POST', url: 'https://api.bap.microsoft.com/b?x=1,2', status: 204 },
      ],
      details: {
        comment: 'said "yes", then left',
        scope: 'tenant-wide',
        classification: 'Business',
        changedPolicies: ['Tenant baseline'],
        environmentsGained: ['Contoso Dev', 'HR Dev'],
      },
    });
    await store.audit.append({ ...base, at: '2025-03-05T09:00:00.000Z', outcome: 'refused', environmentId: 'env-b' });
  });
  afterEach(() => store.close());

  it('writes CSV with the documented columns, quoted and safe for spreadsheets', async () => {
    const csv = exportAudit(await store.audit.list(), 'csv');
    const lines = csv.split('\r\n');
    assert.equal(
      lines[0],
      'timestamp,actor_id,actor_upn,action,target_type,target_id,environment_id,request_id,outcome,api_calls,correlation_id,seq,hash,scope,classification,change',
    );
    assert.equal(lines.length, 5); // header, 3 rows, trailing empty
    const row = lines[2] ?? '';
    assert.ok(row.startsWith('2025-03-02T09:00:00.000Z,u2,Megan@Contoso.com,execution.completed,user,'), row);
    assert.ok(row.includes(`"'=HYPERLINK(""x"")"`), 'formula neutralised and quoted');
    assert.ok(
      row.includes('"GET 200 https://api.bap.microsoft.com/a | POST 204 https://api.bap.microsoft.com/b?x=1,2"'),
    );
    assert.ok(!csv.includes('said'), 'free-text details are not exported');
    assert.ok(
      row.endsWith(
        ',tenant-wide,Business,changed policies: Tenant baseline / environments gained the connector: Contoso Dev; HR Dev',
      ),
      row,
    );
  });

  it('writes JSONL with the same fields', async () => {
    const lines = exportAudit(await store.audit.list(), 'jsonl')
      .trim()
      .split('\n');
    assert.equal(lines.length, 3);
    const second = JSON.parse(lines[1] ?? '{}');
    assert.deepEqual(Object.keys(second), [...EXPORT_COLUMNS]);
    assert.equal(second.api_calls.length, 2);
    assert.equal(second.correlation_id, 'corr-1');
    assert.equal(second.scope, 'tenant-wide');
    assert.equal(second.classification, 'Business');
  });

  it('filters by time range (absolute or relative), request, environment, outcome and UPN', async () => {
    const now = new Date('2025-03-06T09:00:00.000Z');
    assert.equal(parseTime('2d', now), '2025-03-04T09:00:00.000Z');
    const seqs = async (q: Parameters<typeof queryAudit>[1]) => (await queryAudit(store, q, now)).map((r) => r.seq);
    assert.deepEqual(await seqs({ since: '2025-03-02', until: '2025-03-05' }), [2]);
    assert.deepEqual(await seqs({ since: '3d' }), [3]);
    assert.deepEqual(await seqs({ requestId: 'REQ-1001' }), [1, 2]);
    assert.deepEqual(await seqs({ environmentId: 'env-b' }), [3]);
    assert.deepEqual(await seqs({ outcome: 'refused' }), [3]);
    assert.deepEqual(await seqs({ user: 'megan@contoso.com' }), [2]);
    assert.deepEqual(await seqs({ user: 'u1', limit: 1 }), [3]);
    assert.throws(() => parseTime('last tuesday', now), /not a time/);
  });
});
