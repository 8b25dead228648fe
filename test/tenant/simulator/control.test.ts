// The simulator's /_simulator control surface, used by tests whose simulator is another process.
import assert from 'node:assert/strict';
import { type RunningSimulator, startSimulator } from '../../../src/tenant/simulator/server.js';

describe('tenant simulator: /_simulator control', () => {
  let sim: RunningSimulator;
  afterEach(() => sim.close());

  it('serves health, the request log from an offset, and the tenant snapshot', async () => {
    sim = await startSimulator({ retryAfterSeconds: 0 });
    const health = await fetch(`${sim.url}/_simulator/health`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { tenantId: string }).tenantId, sim.state.tenant.id);
    await fetch(`${sim.url}/bap/nothing-here`);
    await fetch(`${sim.url}/bap/nor-here`);
    const log = (await (await fetch(`${sim.url}/_simulator/requests?since=1`)).json()) as {
      total: number;
      requests: { path: string; status: number }[];
    };
    assert.equal(log.total, 2, 'control calls are not logged as tenant traffic');
    assert.deepEqual(
      log.requests.map((r) => [r.path, r.status]),
      [['/bap/nor-here', 404]],
    );
    const state = (await (await fetch(`${sim.url}/_simulator/state`)).json()) as { environments: unknown[] };
    assert.equal(state.environments.length, sim.state.environments.length);
  });

  it('refuses remote fault injection unless switched on, and validates the rule', async () => {
    sim = await startSimulator({ retryAfterSeconds: 0 });
    const rule = { method: 'GET', pathIncludes: '/bap/', status: 503 };
    const off = await fetch(`${sim.url}/_simulator/faults`, { method: 'POST', body: JSON.stringify(rule) });
    assert.equal(off.status, 403);
    await sim.close();

    sim = await startSimulator({ retryAfterSeconds: 0, remoteFaultInjection: true });
    const bad = await fetch(`${sim.url}/_simulator/faults`, { method: 'POST', body: '{"status":"x"}' });
    assert.equal(bad.status, 400);
    const on = await fetch(`${sim.url}/_simulator/faults`, { method: 'POST', body: JSON.stringify(rule) });
    assert.equal(on.status, 201);
    assert.equal((await fetch(`${sim.url}/bap/anything`)).status, 503);
    assert.equal((await fetch(`${sim.url}/bap/anything`)).status, 404, 'one fault, then normal answers');
  });
});
