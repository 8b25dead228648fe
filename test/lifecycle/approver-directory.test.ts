// The approver lists behind the per-reader card views, read from the simulated tenant's Graph over HTTP: one
// transitive-members listing per group (nested groups included), cached for a short time, refreshed when stale.
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/config.js';
import { APPROVER_CACHE_TTL_MS, ApproverDirectory } from '../../src/policy/approver-directory.js';
import { createTenantAdmin } from '../../src/tenant/live/create-live-tenant-admin.js';
import { type RunningSimulator, startSimulator } from '../../src/tenant/simulator/server.js';
import { groups, users } from '../support/fixture-ids.js';

const NESTED = '0c6f3a52-7d1e-4b8a-9a51-3f1e2d4c5b6a';

describe('ApproverDirectory: approver lists from group members', () => {
  let sim: RunningSimulator;
  let now: number;
  const clock = () => new Date(now);
  beforeEach(async () => {
    now = Date.parse('2026-12-01T09:00:00Z');
    sim = await startSimulator({ port: 0, retryAfterSeconds: 0 });
    // Lidia approves through a group nested in Power Platform Admins.
    sim.state.groups.push({ id: NESTED, displayName: 'Weekend approvers', description: '', members: [users.lidia.id] });
    sim.state.findGroup(groups.admins)?.members.push(NESTED);
  });
  afterEach(async () => {
    await sim.close();
  });

  const directory = () =>
    new ApproverDirectory(
      createTenantAdmin(parseConfig({ TENANT_MODE: 'simulated', HTTP_MAX_RETRIES: '0' }), {
        simulatorUrl: sim.url,
        sleep: async () => undefined,
      }),
      [groups.admins, groups.senior],
      clock,
    );
  const memberListings = () =>
    sim.state.requests.filter((r) => r.method === 'GET' && /\/groups\/[^/]+\/transitiveMembers\//.test(r.path));
  const checks = () => sim.state.requests.filter((r) => r.path.endsWith('/checkMemberGroups'));

  it('lists each group’s users, nested groups included, with one listing per group', async () => {
    const d = directory();
    await d.refresh();
    assert.deepEqual(
      d.membersOf([groups.admins]).sort(),
      [users.megan.id, users.nestor.id, users.patti.id, users.lidia.id].sort(),
    );
    assert.deepEqual(d.membersOf([groups.senior]), [users.patti.id]);
    assert.deepEqual(
      d.membersOf([groups.admins.toUpperCase(), groups.senior]).length,
      4,
      'case-insensitive ids, each user once',
    );
    assert.ok(!d.membersOf([groups.admins]).includes(NESTED), 'users only, not the nested group');
    assert.equal(memberListings().length, 2);
    assert.equal(checks().length, 0, 'no per-user membership checks');
  });

  it('serves the cache within its lifetime and refreshes it once stale', async () => {
    const d = directory();
    await d.refresh();
    sim.state.findGroup(groups.senior)?.members.push(users.nestor.id);
    now += APPROVER_CACHE_TTL_MS - 1000;
    assert.deepEqual(d.membersOf([groups.senior]), [users.patti.id], 'cached');
    assert.equal(memberListings().length, 2, 'no request within the lifetime');

    now += 2000;
    d.membersOf([groups.senior]); // stale: refreshes in the background, answering from the cache meanwhile
    await d.refresh(); // joins the refresh under way
    assert.equal(memberListings().length, 4);
    assert.deepEqual(d.membersOf([groups.senior]).sort(), [users.patti.id, users.nestor.id].sort());
  });

  it('keeps a group’s previous members when its listing fails, and loads a group it was not told about', async () => {
    const d = directory();
    await d.refresh();
    now += APPROVER_CACHE_TTL_MS + 1;
    sim.state.failNext({ method: 'GET', pathIncludes: `/groups/${groups.admins}/`, status: 503 });
    await assert.rejects(d.refresh());
    assert.equal(d.membersOf([groups.admins]).length, 4, 'previous members kept');
    assert.deepEqual(d.membersOf([groups.senior]), [users.patti.id]);

    const hr = '7e46cd4b-9123-5a61-9f17-79f71e189d89';
    assert.deepEqual(d.membersOf([hr]), [], 'unknown yet');
    await d.refresh();
    assert.equal(d.membersOf([hr]).length, 2, 'loaded on the next refresh');
  });
});
