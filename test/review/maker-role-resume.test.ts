// A maker-role grant whose process died after the admin API call but before the step was marked done is resumed
// on restart. The resumed run sees the role, but the bot granted it: the result must not say the user held it
// before, or the time-bound grant's revert would leave the role in place for good.
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/config.js';
import type { ExecutionContext } from '../../src/execution/executor.js';
import { grantMakerRole } from '../../src/execution/maker-role.js';
import type { GovernanceRequest } from '../../src/requests/model.js';
import { environmentRef } from '../../src/requests/preparers/lookup.js';
import { recordProgress } from '../../src/requests/state-machine.js';
import { createTenantAdmin } from '../../src/tenant/live/create-live-tenant-admin.js';
import { type RunningSimulator, startSimulator } from '../../src/tenant/simulator/server.js';
import type { TenantAdmin } from '../../src/tenant/tenant-admin.js';
import { envs, users } from '../support/fixture-ids.js';

class Crash extends Error {}

describe('review: maker-role grant resumed after a crash', () => {
  let sim: RunningSimulator;
  let tenant: TenantAdmin;
  beforeEach(async () => {
    sim = await startSimulator({ port: 0, retryAfterSeconds: 0 });
    tenant = createTenantAdmin(parseConfig({ TENANT_MODE: 'simulated' }), {
      simulatorUrl: sim.url,
      sleep: async () => {},
    });
  });
  afterEach(async () => sim.close());

  /** A context over a stored request kept in a variable; `crashOn` makes one progress write "kill the process". */
  const contextFor = (stored: { request: GovernanceRequest }, crashOn?: 'done'): ExecutionContext => ({
    tenant,
    clock: () => new Date('2026-11-28T09:00:00Z'),
    request: () => stored.request,
    checkpoint: () => stored.request.execution.checkpoint,
    sleep: async () => {},
    keepAlive: async () => {},
    progress: async (step, state, checkpoint) => {
      if (state === crashOn) throw new Crash('the process stopped');
      stored.request = recordProgress(stored.request, step, state, '2026-11-28T09:00:00Z', checkpoint);
    },
  });

  it('records that the role was not held before, so the revert takes it back', async () => {
    const env = await tenant.getEnvironment(envs.marketingSandbox);
    const user = await tenant.getUser(users.alex.id);
    assert.ok(env && user);
    assert.equal(await tenant.hasEnvironmentRole(environmentRef(env), user.id, 'EnvironmentMaker'), false);
    const stored: { request: GovernanceRequest } = {
      request: {
        id: 'REQ-1001',
        version: 3,
        type: 'maker-role',
        status: 'executing',
        requester: {
          id: user.id,
          upn: user.userPrincipalName,
          displayName: user.displayName,
          hasPowerAppsLicense: true,
        },
        details: { type: 'maker-role', environment: environmentRef(env) },
        createdAt: '2026-11-28T08:00:00Z',
        updatedAt: '2026-11-28T08:00:00Z',
        decisions: [],
        stages: [],
        execution: { progress: [], checkpoint: {}, apiCalls: [] },
        grantEndsAt: '2026-12-05T08:00:00Z',
      },
    };

    // First attempt: the role is granted, then the process dies before the step is marked done.
    await assert.rejects(grantMakerRole(contextFor(stored, 'done')), Crash);
    assert.equal(await tenant.hasEnvironmentRole(environmentRef(env), user.id, 'EnvironmentMaker'), true);

    // The resumed attempt finds the role in place: it must not write again, nor call it the user's own.
    const writes = () =>
      sim.state.requests.filter((r) => r.method === 'POST' && r.path.includes('modifyRoleAssignments')).length;
    const before = writes();
    const result = await grantMakerRole(contextFor(stored));
    assert.equal(writes(), before, 'no second grant');
    assert.equal(result.alreadyHeld, false);
  });
});
