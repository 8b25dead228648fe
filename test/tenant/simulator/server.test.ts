import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFixture } from '../../../src/tenant/simulator/fixture.js';
import type { RunningSimulator } from '../../../src/tenant/simulator/server.js';
import { anonymous, BAP, Client, DLP, IDS, POWERAPPS_AUD, start } from './helpers.js';

describe('tenant simulator: server behaviour, faults and isolation', () => {
  let sim: RunningSimulator;
  let bap: Client;
  beforeEach(async () => {
    sim = await start();
    bap = new Client(sim, POWERAPPS_AUD);
  });
  afterEach(() => sim.close());

  it('injects faults for the next N matching requests, then recovers', async () => {
    sim.state.failNext({ method: 'GET', pathIncludes: '/scopes/admin/environments', status: 429, times: 2 });
    const path = `${BAP}/scopes/admin/environments?api-version=2020-10-01`;
    const first = await bap.get(path);
    assert.equal(first.status, 429);
    assert.equal(first.headers.get('retry-after'), '0');
    assert.equal(first.body.error.code, 'TooManyRequests');
    assert.equal((await bap.get(path)).status, 429);
    assert.equal((await bap.get(path)).status, 200);

    sim.state.failNext({
      pathIncludes: '/v2/policies',
      status: 503,
      body: { error: { code: 'Busy', message: 'later' } },
      headers: { 'Retry-After': '7' },
    });
    // Another route is not affected.
    assert.equal((await bap.get(path)).status, 200);
    const dlp = await bap.get(`${DLP}/v2/policies`);
    assert.equal(dlp.status, 503);
    assert.equal(dlp.headers.get('retry-after'), '7');
    assert.equal(dlp.body.error.code, 'Busy');
    assert.equal((await bap.get(`${DLP}/v2/policies`)).status, 200);
  });

  it('logs every request with method, path and status', async () => {
    await bap.get(`${BAP}/scopes/admin/environments/${IDS.contosoDev}?api-version=2020-10-01`);
    await bap.get(`${BAP}/scopes/admin/environments/nope?api-version=2020-10-01`);
    const log = sim.state.requests.map((r) => [r.method, r.path, r.status]);
    assert.deepEqual(log, [
      ['GET', `${BAP}/scopes/admin/environments/${IDS.contosoDev}`, 200],
      ['GET', `${BAP}/scopes/admin/environments/nope`, 404],
    ]);
    assert.equal(sim.state.requests[0]!.audience, POWERAPPS_AUD);
    assert.equal(sim.state.requests[0]!.query, '?api-version=2020-10-01');
  });

  it('answers 404 NotFound for unknown routes and never crashes on bad input', async () => {
    const unknown = await bap.get('/bap/providers/Nope');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'NotFound');
    assert.equal((await anonymous(sim, '/')).status, 404);
    const weird = await bap.get('/graph/v1.0/users/%E0%A4%A');
    assert.ok([400, 401, 404].includes(weird.status));
    const notJson = await bap.call('POST', `${BAP}/validateEnvironmentDetails?api-version=2021-04-01`, '[1,2', {
      'content-type': 'application/json',
    });
    assert.equal(notJson.status, 400);
    const array = await bap.call('POST', `${BAP}/validateEnvironmentDetails?api-version=2021-04-01`, '[1,2]', {
      'content-type': 'application/json',
    });
    assert.equal(array.status, 400);
    // Still alive.
    assert.equal((await bap.get(`${BAP}/scopes/admin/environments?api-version=2020-10-01`)).status, 200);
  });

  it('keeps state per instance and never mutates the fixture it was given', async () => {
    const fixture = loadFixture();
    const a = await start({ fixture });
    const b = await start({ fixture });
    try {
      const clientA = new Client(a, POWERAPPS_AUD);
      const res = await clientA.call('DELETE', `${DLP}/v2/policies/${IDS.tenantBaseline}`);
      assert.equal(res.status, 200);
      assert.equal(a.state.dlpPolicies.length, 2);
      assert.equal(b.state.dlpPolicies.length, 3);
      assert.equal(fixture.dlpPolicies.length, 3);
      assert.equal((await new Client(b, POWERAPPS_AUD).get(`${DLP}/v2/policies/${IDS.tenantBaseline}`)).status, 200);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('runs standalone from main.ts and prints its URL', async function () {
    this.timeout(20000);
    const main = fileURLToPath(new URL('../../../src/tenant/simulator/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      env: {
        ...process.env,
        TENANT_SIMULATOR_PORT: '0',
        SIMULATOR_DATA_DIR: mkdtempSync(join(tmpdir(), 'govbot-sim-')),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const res = await fetch(`${url}/login/${IDS.tenant}/v2.0/.well-known/openid-configuration`);
      assert.equal(res.status, 200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
