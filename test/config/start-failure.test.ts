// `npm start` that cannot start for a reason the admin can fix (the port taken by another bot, a policy file that
// does not load) says so in one message with the next step, not with a stack trace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/project-root.js';

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: projectRoot(),
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, LOG_LEVEL: 'silent', TENANT_SIMULATOR_PORT: '0', ...env },
  });
}

describe('npm start: failures the admin can fix', function () {
  this.timeout(120_000);
  let dataDir: string;
  let taken: Server;
  let port: number;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'govbot-start-'));
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    port = (taken.address() as { port: number }).port;
  });
  after(async () => {
    await new Promise((resolve) => taken.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('names the port in use and the variable that moves it', () => {
    const run = start({ PORT: String(port), DATA_DIR: dataDir });
    assert.equal(run.status, 1, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(`Port 127\\.0\\.0\\.1:${port} is already in use.*choose a free port with PORT`),
    );
    assert.doesNotMatch(run.stderr, /EADDRINUSE|node:net|\n\s+at /);
  });

  it('names the policy file that does not load and how to check it', () => {
    const run = start({ PORT: '0', DATA_DIR: dataDir, POLICY_FILE: join(dataDir, 'missing-policy.yaml') });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /Invalid approval policy .*missing-policy\.yaml:\n {2}- cannot read the file: ENOENT/);
    assert.match(run.stderr, /govbot policy check/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });
});
