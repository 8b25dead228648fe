// `govbot audit list | head`: the reader closes the pipe early; the CLI stops quietly (exit 0, no EPIPE stack).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/storage/sqlite-store.js';
import { users } from '../support/fixture-ids.js';

describe('govbot CLI piped into a reader that stops early (| head)', () => {
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'govbot-cli-pipe-'));
    const store = await openSqliteStore({ dataDir: dir });
    // Far more output than a pipe buffers (64 KiB), so the CLI is still writing when the reader leaves.
    for (let i = 0; i < 4000; i++)
      await store.audit.append({
        at: '2025-03-02T09:00:00.000Z',
        actorId: users.megan.id,
        actorUpn: 'meganb@contoso.onmicrosoft.com',
        action: 'channel.set',
        outcome: 'info',
      });
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('audit list exits 0 without an EPIPE error when stdout is closed after the first lines', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', '--data-dir', dir, 'audit', 'list'], {
      env: { ...process.env, LOG_LEVEL: 'silent', TENANT_MODE: 'simulated' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const firstChunk = await new Promise<string>((resolve) => child.stdout.once('data', (c) => resolve(String(c))));
    child.stdout.destroy(); // what `head -1` does once it has its line
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.match(firstChunk, /^#1\t/);
    assert.doesNotMatch(stderr, /EPIPE|Unhandled 'error' event/);
    assert.equal(code, 0, stderr);
  });
});
