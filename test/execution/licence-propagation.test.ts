// A licence assigned moments before approval has not reached the Power Platform: addUser answers userNotLicensed
// for a while (Microsoft's Terraform provider retries it for 9 minutes). The grant waits, as a visible step, and
// succeeds once the licence arrives; past the bound it fails saying why. The simulated tenant's clock is the
// only clock: each wait moves it on.
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/config.js';
import type { ExecutionContext } from '../../src/execution/executor.js';
import { ExecutionRefusal } from '../../src/execution/executor.js';
import { LICENCE_WAIT } from '../../src/execution/licence-wait.js';
import { grantMakerRole } from '../../src/execution/maker-role.js';
import type { GovernanceRequest } from '../../src/requests/model.js';
import { environmentRef } from '../../src/requests/preparers/lookup.js';
import { recordProgress } from '../../src/requests/state-machine.js';
import { createTenantAdmin } from '../../src/tenant/live/create-live-tenant-admin.js';
import { type RunningSimulator, startSimulator } from '../../src/tenant/simulator/server.js';
import type { TenantAdmin } from '../../src/tenant/tenant-admin.js';
import { envs, users } from '../support/fixture-ids.js';

describe('licence propagation before addUser', () => {
  let sim: RunningSimulator;
  let tenant: TenantAdmin;
  let now: number;
  beforeEach(async () => {
    now = Date.parse('2026-11-30T09:00:00Z');
    sim = await startSimulator({ port: 0, retryAfterSeconds: 0, clock: () => new Date(now) });
    tenant = createTenantAdmin(parseConfig({ TENANT_MODE: 'simulated' }), {
      simulatorUrl: sim.url,
      sleep: async () => {},
      userSyncDelayMs: 0,
    });
    // Lidia has no Power Apps plan in the fixture; an admin assigns one just before approving.
    sim.state.assignPlan(users.lidia.id, {
      servicePlanId: 'ea2cf03b-ac60-46ae-9c1d-eeaeb63cec86',
      servicePlanName: 'POWERAPPS_PER_USER',
      service: 'PowerAppsService',
      capabilityStatus: 'Enabled',
    });
  });
  afterEach(async () => sim.close());

  async function run(): Promise<{ result?: Record<string, unknown>; error?: unknown; steps: string[] }> {
    const env = await tenant.getEnvironment(envs.contosoTest);
    const user = await tenant.getUser(users.lidia.id);
    assert.ok(env && user?.hasPowerAppsLicense, 'the directory shows the new licence at once');
    let request: GovernanceRequest = {
      id: 'REQ-1001',
      version: 3,
      type: 'maker-role',
      status: 'executing',
      requester: { id: user.id, upn: user.userPrincipalName, displayName: user.displayName, hasPowerAppsLicense: true },
      details: { type: 'maker-role', environment: environmentRef(env) },
      createdAt: '2026-11-30T08:00:00Z',
      updatedAt: '2026-11-30T08:00:00Z',
      decisions: [],
      stages: [],
      execution: { progress: [], checkpoint: {}, apiCalls: [] },
    };
    const steps: string[] = [];
    const ctx: ExecutionContext = {
      tenant,
      clock: () => new Date(now),
      request: () => request,
      checkpoint: () => request.execution.checkpoint,
      sleep: async (ms) => {
        now += ms;
      },
      keepAlive: async () => {},
      progress: async (step, state, checkpoint) => {
        steps.push(`${step}: ${state}`);
        request = recordProgress(request, step, state, new Date(now).toISOString(), checkpoint);
      },
    };
    try {
      return { result: await grantMakerRole(ctx), steps };
    } catch (error) {
      return { error, steps };
    }
  }

  it('grants the maker role once the licence reaches the environment, with a visible wait step', async () => {
    sim.state.licencePropagationSeconds = 95;
    const { result, error, steps } = await run();
    assert.equal(error, undefined, String(error));
    assert.equal(result?.['path'], 'dataverse-security-role');
    assert.deepEqual(steps.slice(-3), [
      "Wait for Lidia Holloway's licence to reach Contoso Test: running",
      "Wait for Lidia Holloway's licence to reach Contoso Test: done",
      'Grant the Dataverse Environment Maker role: done',
    ]);
    const addUsers = sim.state.requests.filter((r) => r.path.endsWith('/addUser'));
    assert.deepEqual(
      addUsers.map((r) => r.status),
      [...Array(10).fill(400), 200],
      'retried every 10 s until the licence had propagated (95 s)',
    );
  });

  it('stops after the bound and says the licence has not reached the environment', async () => {
    sim.state.licencePropagationSeconds = 3600;
    const { error, steps } = await run();
    assert.ok(error instanceof ExecutionRefusal, String(error));
    assert.equal(error.code, 'LicenceNotPropagated');
    assert.match(error.message, /Lidia Holloway has a Power Apps licence in the directory, but Contoso Test still/);
    assert.match(error.message, /after 9 minutes/);
    assert.ok(steps.includes("Wait for Lidia Holloway's licence to reach Contoso Test: failed"));
    const addUsers = sim.state.requests.filter((r) => r.path.endsWith('/addUser'));
    assert.equal(addUsers.length, LICENCE_WAIT.attempts, 'bounded');
  });
});
