// Issue 10.6: the CLI never passes terminal control sequences from stored text to the terminal (an OSC 52
// clipboard write in a justification), and `govbot audit list | head` ends quietly, without an EPIPE trace.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fieldSafe, terminalSafe } from '../../src/cli/terminal.js';
import type { GovernanceRequest } from '../../src/requests/model.js';
import { openSqliteStore } from '../../src/storage/sqlite-store.js';
import { envs, users } from '../support/fixture-ids.js';

const run = promisify(execFile);
const OSC52 = '\u001b]52;c;cm0gLXJmIH4=\u0007';
const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
const env = { ...process.env, LOG_LEVEL: 'silent', TENANT_MODE: 'simulated' };

describe('govbot CLI: terminal safety', function () {
  this.timeout(120_000); // each case starts the CLI as its own process
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'govbot-term-'));
    const store = await openSqliteStore({ dataDir: dir });
    const request: GovernanceRequest = {
      id: 'REQ-1001',
      version: 1,
      type: 'maker-role',
      status: 'pending',
      requester: {
        id: users.adele.id,
        upn: 'adelev@contoso.onmicrosoft.com',
        displayName: `Adele\u202eecnaV`,
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
      justification: `for the budget app${OSC52}\nfake: approved by the CISO`,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      decisions: [],
      stages: [],
      execution: { progress: [], checkpoint: {}, apiCalls: [] },
    };
    await store.requests.insert(request);
    for (let i = 0; i < 4000; i++)
      await store.audit.append({
        at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
        actorId: users.adele.id,
        actorUpn: `adelev@contoso.onmicrosoft.com${i === 0 ? OSC52 : ''}`,
        action: 'request.created',
        outcome: 'success',
        requestId: 'REQ-1001',
      });
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('escapes control characters and bidi overrides; a field cannot forge a line', () => {
    assert.equal(terminalSafe(`a\tb\n${OSC52}`), 'a\tb\n\\u001b]52;c;cm0gLXJmIH4=\\u0007');
    assert.equal(fieldSafe('x\ny\u202e'), 'x\\u000ay\\u202e');
  });

  it('prints a stored OSC 52 sequence as visible text, never as a control sequence', async () => {
    const { stdout } = await run(process.execPath, [...CLI, '--data-dir', dir, 'requests', 'show', 'REQ-1001'], {
      env,
    });
    for (const raw of ['\u001b', '\u0007', '\u202e']) assert.ok(!stdout.includes(raw), 'no raw control characters');
    assert.match(stdout, /justification: for the budget app\\u001b\]52;c;cm0gLXJmIH4=\\u0007\\u000afake/);
    assert.equal(stdout.split('\n').filter((l) => l.startsWith('fake:')).length, 0, 'no forged line');
    const list = await run(process.execPath, [...CLI, '--data-dir', dir, 'audit', 'list', '--limit', '4000'], {
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.ok(!list.stdout.includes(OSC52) && !list.stdout.includes('\u001b'), 'no raw escape');
  });

  it('exits quietly when the reader closes the pipe (govbot audit list | head)', async () => {
    const child = spawn(process.execPath, [...CLI, '--data-dir', dir, 'audit', 'list'], { env });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    // Like `head -1`: read the first chunk, then close our end of the pipe.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.doesNotMatch(stderr, /EPIPE|Error|at /, stderr);
    assert.equal(code, 0);
  });
});
