// GET /healthz and GET /readyz for the load balancer: readiness is a real call to the database and to the tenant,
// bounded in time, and the answer names the failing dependency without its error text.
import assert from 'node:assert/strict';
import { Readiness } from '../../src/health/readiness.js';
import { startHarness } from '../support/bot-harness.js';

describe('health endpoints', () => {
  it('answers /healthz and /readyz with 200 when the database and the tenant answer', async () => {
    const h = await startHarness();
    try {
      const alive = await fetch(`${h.bot.url}/healthz`);
      assert.equal(alive.status, 200);
      const ready = await fetch(`${h.bot.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready', checks: { database: 'ok', tenant: 'ok' } });
    } finally {
      await h.stop();
    }
  });

  it('answers /readyz with 503 naming the tenant when the simulated tenant is down, and stays alive', async () => {
    const h = await startHarness();
    try {
      await h.bot.simulator?.close();
      const ready = await fetch(`${h.bot.url}/readyz`);
      assert.equal(ready.status, 503);
      const text = await ready.text();
      assert.deepEqual(JSON.parse(text), { status: 'not ready', checks: { database: 'ok', tenant: 'failing' } });
      assert.doesNotMatch(text, /ECONNREFUSED|127\.0\.0\.1|fetch failed/, 'no error text on an open endpoint');
      assert.equal((await fetch(`${h.bot.url}/healthz`)).status, 200);
    } finally {
      await h.stop().catch(() => undefined);
    }
  });
});

describe('readiness checks', () => {
  it('reports a check that hangs as failing after the timeout', async () => {
    const readiness = new Readiness(
      [
        { name: 'database', run: async () => undefined },
        { name: 'tenant', run: () => new Promise<void>(() => undefined) },
      ],
      { timeoutMs: 50 },
    );
    const report = await readiness.report();
    assert.equal(report.ready, false);
    assert.deepEqual(
      report.checks.map((c) => [c.name, c.ok]),
      [
        ['database', true],
        ['tenant', false],
      ],
    );
    assert.match(report.checks[1]?.error ?? '', /did not answer within 50 ms/);
  });

  it('trusts a pass for cacheMs, then calls the dependency again; a failure is never cached', async () => {
    let now = 0;
    let calls = 0;
    let healthy = true;
    const readiness = new Readiness(
      [
        {
          name: 'tenant',
          cacheMs: 30_000,
          run: async () => {
            calls++;
            if (!healthy) throw new Error('down');
          },
        },
      ],
      { now: () => now },
    );
    assert.equal((await readiness.report()).ready, true);
    now = 10_000;
    healthy = false;
    assert.equal((await readiness.report()).ready, true, 'within cacheMs the earlier pass stands');
    assert.equal(calls, 1);
    now = 40_000;
    assert.equal((await readiness.report()).ready, false);
    healthy = true;
    now = 40_001;
    assert.equal((await readiness.report()).ready, true, 'a failure is retried at the next probe');
    assert.equal(calls, 3);
  });
});
