// The simulated tenant keeps its state across restarts (its own process or inside `npm start`), so the bot's
// database and the tenant never disagree after a restart: no phantom "deleted" events in the governance feed.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/config/config.js';
import type { NewEnvironmentDetails } from '../../../src/requests/model.js';
import { createTenantAdmin } from '../../../src/tenant/live/create-live-tenant-admin.js';
import { SIMULATOR_STATE_FILENAME } from '../../../src/tenant/simulator/persistence.js';
import { startSimulator } from '../../../src/tenant/simulator/server.js';
import type { TenantAdmin } from '../../../src/tenant/tenant-admin.js';
import { startHarness } from '../../support/bot-harness.js';
import { users } from '../../support/fixture-ids.js';
import { startSimulatorProcess } from '../../support/simulator-process.js';

const ITTOOLS_POLICY = '19eebb3e-c44d-5f97-84c9-1e4bff964a6b'; // "IT Tools policy"

const sandbox = (displayName: string): NewEnvironmentDetails => ({
  type: 'new-environment',
  displayName,
  sku: 'Sandbox',
  location: 'unitedstates',
});

function adminFor(url: string): TenantAdmin {
  return createTenantAdmin(parseConfig({ TENANT_MODE: 'simulated' }), {
    simulatorUrl: url,
    sleep: async () => undefined,
  });
}

async function finish(admin: TenantAdmin, operationUrl: string): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const op = await admin.getLifecycleOperation(operationUrl);
    if (op.state === 'Succeeded') return op.environmentId!;
    if (op.state === 'Failed') throw new Error(`creation failed: ${op.error?.message}`);
  }
  throw new Error('creation never finished');
}

describe('simulated tenant: durable state', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'govbot-sim-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps created environments and deleted policies across a restart of the simulator', async () => {
    const first = await startSimulator({ dataDir, retryAfterSeconds: 0, lroPollsToComplete: 1 });
    const admin = adminFor(first.url);
    const start = await admin.startEnvironmentCreation(sandbox('Durable Sandbox'), users.adele.id);
    assert.equal(start.kind, 'accepted');
    const created = await finish(admin, start.kind === 'accepted' ? start.operationUrl : '');
    await admin.deleteDlpPolicy(ITTOOLS_POLICY);
    await first.close();
    assert.ok(existsSync(join(dataDir, SIMULATOR_STATE_FILENAME)));

    const second = await startSimulator({ dataDir, retryAfterSeconds: 0 });
    try {
      const again = adminFor(second.url);
      assert.equal((await again.getEnvironment(created))?.displayName, 'Durable Sandbox');
      assert.equal(await again.getDlpPolicy(ITTOOLS_POLICY), undefined);
    } finally {
      await second.close();
    }
  });

  /** The environments as the state file holds them now (read behind the simulator's back: no close(), no save()). */
  function savedEnvironments(): { name: string; displayName: string; provisioningState?: string }[] {
    const saved = JSON.parse(readFileSync(join(dataDir, SIMULATOR_STATE_FILENAME), 'utf8')) as {
      environments: { name: string; displayName: string; provisioningState?: string }[];
    };
    return saved.environments;
  }

  it('an operation finished by a poll (a GET) is in the state file before the poll is answered', async () => {
    const sim = await startSimulator({ dataDir, retryAfterSeconds: 0, lroPollsToComplete: 1 });
    try {
      const admin = adminFor(sim.url);
      const start = await admin.startEnvironmentCreation(sandbox('Finished By Poll'), users.adele.id);
      assert.equal(start.kind, 'accepted');
      const id = await finish(admin, start.kind === 'accepted' ? start.operationUrl : '');
      assert.equal(savedEnvironments().find((e) => e.name === id)?.provisioningState, 'Succeeded');
    } finally {
      await sim.close();
    }
  });

  it('an operation finished by time is in the state file after the next request, even a read', async () => {
    let now = Date.parse('2026-03-01T09:00:00Z');
    const sim = await startSimulator({ dataDir, retryAfterSeconds: 0, clock: () => new Date(now) });
    try {
      const admin = adminFor(sim.url);
      const start = await admin.startEnvironmentCreation(sandbox('Finished By Time'), users.adele.id);
      assert.equal(start.kind, 'accepted');
      now += 61_000;
      await admin.listLocations();
      const saved = savedEnvironments().find((e) => e.displayName === 'Finished By Time');
      assert.equal(saved?.provisioningState, 'Succeeded');
    } finally {
      await sim.close();
    }
  });

  it('a simulator process killed with SIGKILL keeps every change it answered, even an operation under way', async function () {
    this.timeout(30_000);
    const first = await startSimulatorProcess({ dataDir, env: { SIMULATOR_RETRY_AFTER_SECONDS: '0' } });
    let operationUrl: string;
    try {
      const admin = adminFor(first.url);
      const start = await admin.startEnvironmentCreation(sandbox('Survives SIGKILL'), users.adele.id);
      assert.equal(start.kind, 'accepted');
      operationUrl = start.kind === 'accepted' ? start.operationUrl : '';
    } finally {
      await first.stop('SIGKILL');
    }
    // The same port, as a restarted service keeps its address (the operation URL points at it).
    const port = Number(new URL(first.url).port);
    const second = await startSimulatorProcess({ dataDir, port, env: { SIMULATOR_RETRY_AFTER_SECONDS: '0' } });
    try {
      const admin = adminFor(second.url);
      const id = await finish(admin, operationUrl);
      assert.equal((await admin.getEnvironment(id))?.displayName, 'Survives SIGKILL');
    } finally {
      await second.stop();
    }
  });

  it('after a restart of the bot the governance feed announces no change that never happened', async function () {
    this.timeout(30_000);
    const first = await startHarness({ dataDir, keepData: true });
    const start = await first.bot.tenant.startEnvironmentCreation(sandbox('Made outside the bot'), users.adele.id);
    if (start.kind === 'accepted') await finish(first.bot.tenant, start.operationUrl);
    await first.bot.tenant.deleteDlpPolicy(ITTOOLS_POLICY);
    assert.equal((await first.bot.monitor.tick()).baseline, true);
    await first.stop();

    const second = await startHarness({ dataDir, keepData: true });
    try {
      const tick = await second.bot.monitor.tick();
      assert.equal(tick.baseline, false);
      assert.deepEqual(
        tick.detected.map((e) => e.type),
        [],
        'the tenant after the restart is the tenant before it',
      );
    } finally {
      await second.stop();
    }
  });
});
