// The govbot CLI as a separate process (node --import tsx src/cli/main.ts) against a temp DATA_DIR filled
// through the store, as the running bot would have left it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import type { GovernanceRequest } from '../../src/requests/model.js';
import { DATABASE_FILENAME, openSqliteStore } from '../../src/storage/sqlite-store.js';
import { startSimulator } from '../../src/tenant/simulator/server.js';
import { envs, users } from '../support/fixture-ids.js';

const run = promisify(execFile);

describe('govbot CLI', function () {
  // Each test runs the CLI as several child processes (tsx compiles on start): on a loaded 2-core machine one
  // test can pass 20 s. A guard against a hang, not a speed target.
  this.timeout(90_000);
  let dir: string;

  async function govbot(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', '--data-dir', dir, ...args],
        {
          env: { ...process.env, LOG_LEVEL: 'silent', TENANT_MODE: 'simulated' },
        },
      );
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'govbot-cli-'));
    const store = await openSqliteStore({ dataDir: dir });
    const request = {
      id: 'REQ-1001',
      version: 1,
      type: 'maker-role',
      status: 'pending',
      requester: {
        id: users.adele.id,
        upn: 'adelev@contoso.onmicrosoft.com',
        displayName: 'Adele Vance',
        hasPowerAppsLicense: true,
      },
      details: {
        type: 'maker-role',
        environment: {
          id: envs.contosoDev,
          displayName: 'Contoso Dev',
          sku: 'Sandbox',
          location: 'europe',
          hasDataverse: false,
          isDefault: false,
        },
      },
      createdAt: '2025-03-01T09:00:00.000Z',
      updatedAt: '2025-03-01T09:00:00.000Z',
      decisions: [],
      stages: [],
      execution: { step: 'none', state: {}, checkpoint: {}, apiCalls: [] },
    } as unknown as GovernanceRequest;
    await store.requests.insert(request);
    await store.audit.append({
      at: '2025-03-01T09:00:00.000Z',
      actorId: users.adele.id,
      actorUpn: 'adelev@contoso.onmicrosoft.com',
      action: 'request.created',
      outcome: 'success',
      requestId: 'REQ-1001',
      environmentId: envs.contosoDev,
    });
    await store.audit.append({
      at: '2025-03-02T09:00:00.000Z',
      actorId: users.megan.id,
      action: 'channel.set',
      outcome: 'info',
    });
    const m = await store.outbox.enqueue({
      idempotencyKey: 'approval:REQ-1001',
      conversationKey: 'channel:approvals',
      operation: 'send',
      activity: { type: 'message', text: 'card' },
      requestId: 'REQ-1001',
      createdAt: '2025-03-01T09:00:00.000Z',
    });
    await store.outbox.markFailed(m?.id ?? 0, '403: Forbidden', '2025-03-01T09:00:01.000Z', true);
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('requests list --json and requests show --json (with the audit trail)', async () => {
    const list = await govbot('requests', 'list', '--json');
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(
      JSON.parse(list.stdout).map((r: { id: string }) => r.id),
      ['REQ-1001'],
    );
    const show = await govbot('requests', 'show', 'REQ-1001', '--json');
    const body = JSON.parse(show.stdout);
    assert.equal(body.request.requester.upn, 'adelev@contoso.onmicrosoft.com');
    assert.deepEqual(
      body.audit.map((a: { action: string }) => a.action),
      ['request.created'],
    );
    const missing = await govbot('requests', 'show', 'REQ-9999');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no request REQ-9999/);
  });

  it('audit list with filters, and export as CSV and JSONL', async () => {
    const list = await govbot('audit', 'list', '--request', 'REQ-1001', '--json');
    assert.deepEqual(
      JSON.parse(list.stdout).map((a: { seq: number }) => a.seq),
      [1],
    );
    const csv = await govbot('audit', 'export', '--format', 'csv', '--since', '2025-03-02', '--until', '2025-03-03');
    const lines = csv.stdout.trim().split('\r\n');
    assert.equal(lines.length, 2);
    assert.match(lines[1] ?? '', /^2025-03-02T09:00:00\.000Z,d17b9743/);
    const jsonl = await govbot('audit', 'export', '--format', 'jsonl');
    assert.deepEqual(
      jsonl.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).action),
      ['request.created', 'channel.set'],
    );
    assert.equal((await govbot('audit', 'export', '--format', 'xml')).code, 2);
  });

  it('audit list takes an environment by display name (any case) as well as by id', async () => {
    for (const environment of ['Contoso Dev', 'contoso dev', envs.contosoDev]) {
      const list = await govbot('audit', 'list', '--environment', environment, '--json');
      assert.deepEqual(
        JSON.parse(list.stdout).map((a: { action: string }) => a.action),
        ['request.created'],
        environment,
      );
    }
    const none = await govbot('audit', 'list', '--environment', 'Nowhere');
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /no audit records match \(read .*govbot\.sqlite\)/);
    // A misspelt name finds nothing: say so, with the names that would have matched.
    assert.match(
      none.stderr,
      /no request names an environment "Nowhere" \(environments named in requests: Contoso Dev\)/,
    );
  });

  it('says which database it read when it finds no requests', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'govbot-cli-empty-'));
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', '--data-dir', empty, 'requests', 'list'],
        { env: { ...process.env, LOG_LEVEL: 'silent', TENANT_MODE: 'simulated' } },
      );
      assert.equal(stdout, 'no requests\n');
      assert.ok(stderr.includes(join(empty, DATABASE_FILENAME)), stderr);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('outbox list shows the dead message; outbox retry queues it again and audits that', async () => {
    const list = await govbot('outbox', 'list', '--status', 'dead', '--json');
    const dead = JSON.parse(list.stdout);
    assert.equal(dead.length, 1);
    assert.equal(dead[0].lastError, '403: Forbidden');
    const retry = await govbot('outbox', 'retry', String(dead[0].id));
    assert.match(retry.stdout, /1 message\(s\) queued again/);
    assert.equal(JSON.parse((await govbot('outbox', 'list', '--status', 'pending', '--json')).stdout).length, 1);
    const audit = JSON.parse((await govbot('audit', 'list', '--action', 'outbox.retried', '--json')).stdout);
    assert.equal(audit.length, 1);
  });

  it('audit verify passes on an intact chain and fails, naming the record, on a tampered one', async () => {
    const ok = await govbot('audit', 'verify');
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /intact/);
    const db = new SQLite(join(dir, DATABASE_FILENAME));
    db.exec("DROP TRIGGER audit_no_update; UPDATE audit SET actor_id = 'someone-else' WHERE seq = 1;");
    db.close();
    const bad = await govbot('audit', 'verify', '--json');
    assert.equal(bad.code, 1);
    assert.deepEqual(JSON.parse(bad.stdout).firstBreak.seq, 1);
  });

  it('report licenses --format csv reads Graph plans from the tenant', async () => {
    const sim = await startSimulator({ retryAfterSeconds: 0 });
    try {
      const out = await govbot('report', 'licenses', '--format', 'csv', '--simulator-url', sim.url);
      assert.equal(out.code, 0, out.stderr);
      const lines = out.stdout.trim().split('\r\n');
      assert.equal(
        lines[0],
        'user_id,upn,display_name,department,account_enabled,product,service_plan_name,service_plan_id',
      );
      assert.ok(
        lines.some((l) => l.startsWith(`${users.adele.id},`) && /Power Apps/.test(l)),
        out.stdout,
      );
      assert.ok(
        lines.some((l) => l.startsWith(`${users.lidia.id},`) && !/Power Apps/.test(l)),
        'the unlicensed user is listed too',
      );
    } finally {
      await sim.close();
    }
  });
});
