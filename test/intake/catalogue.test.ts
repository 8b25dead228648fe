// The catalogue over the real tenant-admin client and the simulated tenant: environments and connectors are read
// again every minute, the directory's names every 15 minutes (a Graph page per 999 users in a large tenant), and a
// failed read of the names keeps the last ones.
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/config.js';
import { Catalogue, PEOPLE_TTL_MS } from '../../src/intake/catalogue.js';
import { createTenantAdmin } from '../../src/tenant/live/create-live-tenant-admin.js';
import { type RunningSimulator, startSimulator } from '../../src/tenant/simulator/server.js';
import type { TenantAdmin } from '../../src/tenant/tenant-admin.js';
import { users } from '../support/fixture-ids.js';

describe('intake catalogue: how often it reads the tenant', () => {
  let sim: RunningSimulator;
  let tenant: TenantAdmin;
  const calls = { environments: 0, users: 0 };
  let failUsers = false;
  let now = 0;

  beforeEach(async () => {
    sim = await startSimulator({ port: 0, retryAfterSeconds: 0 });
    const real = createTenantAdmin(parseConfig({ TENANT_MODE: 'simulated' }), {
      simulatorUrl: sim.url,
      sleep: async () => {},
    });
    calls.environments = 0;
    calls.users = 0;
    failUsers = false;
    now = 0;
    // Counts the calls that reach the real client; a failing directory read is a rejected listUsers.
    tenant = new Proxy(real, {
      get(target, key, receiver) {
        if (key === 'listEnvironments') calls.environments++;
        if (key === 'listUsers') {
          calls.users++;
          if (failUsers) return () => Promise.reject(new Error('Graph answered 503'));
        }
        return Reflect.get(target, key, receiver);
      },
    });
  });
  afterEach(() => sim.close());

  it('reads environments every minute and the names every 15 minutes', async () => {
    const catalogue = new Catalogue(tenant, 60_000, () => now);
    const first = await catalogue.get();
    assert.ok(first.people?.some((p) => p.id === users.alex.id && p.displayName === users.alex.name));
    now = 61_000;
    await catalogue.get();
    assert.deepEqual(calls, { environments: 2, users: 1 });
    now = PEOPLE_TTL_MS + 1;
    await catalogue.get();
    assert.deepEqual(calls, { environments: 3, users: 2 });
  });

  it('keeps the last names when the directory cannot be read, and starts with none', async () => {
    failUsers = true;
    const catalogue = new Catalogue(tenant, 60_000, () => now);
    assert.deepEqual((await catalogue.get()).people, [], 'intake goes on without names');
    failUsers = false;
    now = 61_000;
    const read = (await catalogue.get()).people ?? [];
    assert.ok(read.length > 0);
    failUsers = true;
    now = 61_000 + PEOPLE_TTL_MS;
    assert.deepEqual((await catalogue.get()).people, read);
  });
});
