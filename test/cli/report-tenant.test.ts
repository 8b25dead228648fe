// `govbot report licenses` finds the simulated tenant the bot uses (TENANT_SIMULATOR_URL of a shared simulator),
// and when nothing answers there it says where it looked and what to start, not msal's bare "network_error".
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSimulator } from '../../src/tenant/simulator/server.js';
import { users } from '../support/fixture-ids.js';

const run = promisify(execFile);

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('govbot report licenses: which simulated tenant it reads', function () {
  this.timeout(60_000); // a child process with tsx on a loaded machine
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'govbot-cli-report-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function report(env: Record<string, string>) {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', '--data-dir', dir, 'report', 'licenses'],
        {
          env: {
            ...process.env,
            LOG_LEVEL: 'silent',
            TENANT_MODE: 'simulated',
            TENANT_SIMULATOR_URL: '',
            HTTP_MAX_RETRIES: '0',
            ...env,
          },
        },
      );
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  }

  it('reads the shared simulator of TENANT_SIMULATOR_URL, as the bot does', async () => {
    const sim = await startSimulator({ retryAfterSeconds: 0 });
    try {
      const out = await report({ TENANT_SIMULATOR_URL: sim.url, TENANT_SIMULATOR_PORT: String(await closedPort()) });
      assert.equal(out.code, 0, out.stderr);
      assert.ok(out.stdout.includes(`${users.adele.id},`), out.stdout);
    } finally {
      await sim.close();
    }
  });

  it('with no simulated tenant running, names the address it tried and how to start one', async () => {
    const port = await closedPort();
    const out = await report({ TENANT_SIMULATOR_PORT: String(port) });
    assert.equal(out.code, 1);
    assert.ok(out.stderr.includes(`http://127.0.0.1:${port}`), out.stderr);
    assert.match(out.stderr, /npm start/);
  });
});
