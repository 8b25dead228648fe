// The governance feed's change detection against the simulated tenant over HTTP: a silent baseline, then each kind
// of change, grouped into cards in the outbox for the notifications channel; filters; no re-announce on restart.
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/config.js';
import { EVENT_KINDS, type EventFilter } from '../../src/monitor/events.js';
import { GovernanceMonitor } from '../../src/monitor/monitor.js';
import { LeaseLostError, type Store } from '../../src/requests/ports/store.js';
import { openSqliteStore } from '../../src/storage/sqlite-store.js';
import { createTenantAdmin } from '../../src/tenant/live/create-live-tenant-admin.js';
import { type RunningSimulator, startSimulator } from '../../src/tenant/simulator/server.js';
import type { TenantAdmin } from '../../src/tenant/tenant-admin.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { envs, users } from '../support/fixture-ids.js';

const BASELINE = 'eb375b69-c7f9-5e8d-af20-9079b9807eec'; // "Tenant baseline"
const LOCKDOWN = '3bdff53b-b5b9-5fc0-86d6-3e88988fb2dc'; // "Production lockdown" (OnlyEnvironments)
const ALL: EventFilter = { kinds: EVENT_KINDS, environments: [] };

describe('governance monitor', () => {
  let sim: RunningSimulator;
  let store: Store;
  let tenant: TenantAdmin;
  const clock = () => new Date('2025-03-03T09:00:00.000Z');
  // One replica (the embedded SQLite bot): the same name on the monitor lease across restarts.
  const monitor = (filter: EventFilter = ALL) =>
    new GovernanceMonitor({ store, tenant, clock, intervalSeconds: 300, filter, holder: 'bot' });

  beforeEach(async () => {
    sim = await startSimulator({ retryAfterSeconds: 0 });
    store = await openSqliteStore({ filename: ':memory:' });
    tenant = createTenantAdmin(parseConfig({ TENANT_MODE: 'simulated' }), {
      simulatorUrl: sim.url,
      sleep: async () => undefined,
    });
    await store.channels.set({
      kind: 'notifications',
      conversationKey: 'channel:news',
      setBy: users.megan.id,
      setAt: clock().toISOString(),
    });
  });
  afterEach(async () => {
    await store.close();
    await sim.close();
  });

  const posts = async () =>
    (await store.outbox.list()).map((m) => ({ key: m.idempotencyKey, text: cardText(firstCard(m.activity)) }));

  it('records a silent baseline first, then posts nothing while nothing changes', async () => {
    const m = monitor();
    assert.equal((await m.tick()).baseline, true);
    const second = await m.tick();
    assert.equal(second.baseline, false);
    assert.deepEqual(second.detected, []);
    assert.deepEqual(await posts(), []);
  });

  it('groups many new environments into one card, and reports deletions and type changes', async () => {
    const m = monitor();
    await m.tick();
    const template = sim.state.environments.find((e) => e.name === envs.marketingSandbox)!;
    for (let i = 1; i <= 12; i++)
      sim.state.environments.push({
        ...structuredClone(template),
        name: `00000000-0000-4000-8000-0000000000${10 + i}`,
        displayName: `Team site ${i}`,
        roleAssignments: [],
      });
    sim.state.environments = sim.state.environments.filter((e) => e.name !== envs.itTools);
    const trial = sim.state.environments.find((e) => e.displayName === 'Sales Trial')!;
    trial.environmentSku = 'Production';

    const result = await m.tick();
    assert.deepEqual(
      [...new Set(result.posted.map((e) => e.type))],
      ['environment.created', 'environment.type-changed', 'environment.deleted'],
    );
    const cards = await posts();
    assert.equal(cards.length, 3, 'one card per kind of change');
    assert.match(cards[0]?.text ?? '', /^12 new environments\n/);
    assert.match(cards[0]?.text ?? '', /Team site 12 \(Sandbox\)/);
    assert.match(cards.find((c) => /changed type/.test(c.text))?.text ?? '', /Sales Trial: Trial → Production/);
    assert.match(
      cards.find((c) => /deleted/.test(c.text))?.text ?? '',
      /1 environment deleted\nIT Tools \(Production\)/,
    );
  });

  it('says which connectors moved between which groups and which environments joined or left a policy', async () => {
    const m = monitor();
    await m.tick();
    const baseline = sim.state.dlpPolicies.find((p) => p.name === BASELINE)!;
    const blocked = baseline.connectorGroups.find((g) => g.classification === 'Blocked')!;
    const business = baseline.connectorGroups.find((g) => g.classification === 'Confidential')!;
    const dropbox = blocked.connectors.splice(
      blocked.connectors.findIndex((c) => c.name === 'Dropbox'),
      1,
    )[0]!;
    business.connectors.push(dropbox);
    const lockdown = sim.state.dlpPolicies.find((p) => p.name === LOCKDOWN)!;
    const removed = lockdown.environments.shift()!;
    lockdown.environments.push({
      id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${envs.itTools}`,
      name: envs.itTools,
      type: 'Microsoft.BusinessAppPlatform/scopes/environments',
    });
    sim.state.dlpPolicies = sim.state.dlpPolicies.filter((p) => p.displayName !== 'IT Tools policy');

    const result = await m.tick();
    const changed = result.posted.filter((e) => e.type === 'dlp.changed');
    assert.equal(changed.length, 2);
    const text = (await posts()).map((p) => p.text).join('\n---\n');
    assert.match(text, /2 DLP policies changed/);
    assert.match(text, /Tenant baseline: Dropbox Blocked → Business/);
    const removedName = sim.state.environments.find((e) => e.name === removed.name)?.displayName;
    assert.ok(text.includes(`Production lockdown: scope + IT Tools; scope − ${removedName}`), text);
    assert.match(text, /1 DLP policy deleted\nIT Tools policy/);
  });

  it('reports a DLP policy created through the admin API', async () => {
    const m = monitor();
    await m.tick();
    await tenant.createDlpPolicy({
      displayName: 'Finance exception',
      environmentType: 'OnlyEnvironments',
      environments: [envs.financeSandbox],
      defaultConnectorsClassification: 'General',
      connectorGroups: [
        { classification: 'Confidential', connectors: [] },
        { classification: 'General', connectors: [] },
        { classification: 'Blocked', connectors: [] },
      ],
    });
    const result = await m.tick();
    assert.deepEqual(
      result.posted.map((e) => e.type),
      ['dlp.created'],
    );
    assert.match(
      (await posts())[0]?.text ?? '',
      /1 DLP policy created\nFinance exception \(OnlyEnvironments: Finance Sandbox\)/,
    );
  });

  it('lists new connectors in the catalogue', async () => {
    const m = monitor();
    await m.tick();
    sim.state.connectors.push({
      id: '/providers/Microsoft.PowerApps/apis/shared_notion',
      name: 'shared_notion',
      displayName: 'Notion',
      tier: 'Premium',
      publisher: 'Notion Labs',
      unblockable: false,
    });
    const result = await m.tick();
    assert.deepEqual(
      result.posted.map((e) => e.type),
      ['connector.added'],
    );
    assert.match((await posts())[0]?.text ?? '', /1 new connector in the catalogue\nNotion \(Premium, Notion Labs\)/);
  });

  it('reports role assignments added and removed outside the bot', async () => {
    const m = monitor();
    await m.tick();
    const env = (await tenant.getEnvironment(envs.marketingSandbox))!;
    const lidia = (await tenant.getUser(users.lidia.id))!;
    await tenant.grantEnvironmentRole(env, lidia, 'EnvironmentAdmin');
    let result = await m.tick();
    assert.deepEqual(
      result.posted.map((e) => e.type),
      ['role.added'],
    );
    assert.match((await posts())[0]?.text ?? '', /EnvironmentAdmin for Lidia Holloway \(User\) in Marketing Sandbox/);

    await tenant.revokeEnvironmentRole(env, users.lidia.id, 'EnvironmentAdmin');
    result = await m.tick();
    assert.deepEqual(
      result.posted.map((e) => e.type),
      ['role.removed'],
    );
  });

  it('does not report the maker role a maker gave up through the bot (its own audit post says so)', async () => {
    const m = monitor();
    await m.tick();
    const env = (await tenant.getEnvironment(envs.contosoDev))!;
    assert.ok(await tenant.hasEnvironmentRole(env, users.adele.id, 'EnvironmentMaker'), 'fixture: Adele is a maker');
    const at = clock().toISOString();
    await store.requests.insert({
      id: 'REQ-1001',
      version: 1,
      type: 'release',
      status: 'completed',
      requester: {
        id: users.adele.id,
        upn: 'adelev@contoso.com',
        displayName: 'Adele Vance',
        hasPowerAppsLicense: true,
      },
      details: { type: 'release', access: 'maker-role', environment: env, grants: [] },
      createdAt: at,
      updatedAt: at,
      decisions: [],
      stages: [],
      execution: { progress: [], checkpoint: {}, apiCalls: [] },
    });
    await tenant.revokeEnvironmentRole(env, users.adele.id, 'EnvironmentMaker');
    const result = await m.tick();
    assert.ok(
      result.detected.some((e) => e.type === 'role.removed'),
      'the removal is seen',
    );
    assert.deepEqual(
      result.posted.map((e) => e.type),
      [],
      'and not posted as a change outside the bot',
    );
  });

  // A real crash before the commit (SIGKILL at monitor.before-commit) is in test/crash/bot-crashes.test.ts.
  it('posts a change once, and a new monitor on the same storage does not announce it again', async () => {
    await monitor().tick();
    sim.state.connectors.push({
      id: '/providers/Microsoft.PowerApps/apis/shared_notion',
      name: 'shared_notion',
      displayName: 'Notion',
      tier: 'Premium',
      publisher: 'Notion Labs',
      unblockable: false,
    });
    await monitor().tick();
    const after = await monitor().tick(); // a new process, same storage
    assert.deepEqual(after.detected, []);
    assert.equal((await posts()).length, 1);
  });

  it('posts only the configured kinds and environments', async () => {
    const m = monitor({ kinds: ['environments', 'roles'], environments: ['Marketing Sandbox'] });
    await m.tick();
    sim.state.connectors.push({
      id: '/providers/Microsoft.PowerApps/apis/shared_notion',
      name: 'shared_notion',
      displayName: 'Notion',
      tier: 'Premium',
      publisher: 'Notion Labs',
      unblockable: false,
    });
    sim.state.environments.find((e) => e.name === envs.marketingSandbox)!.environmentSku = 'Production';
    sim.state.environments.find((e) => e.name === envs.contosoDev)!.environmentSku = 'Production';
    const result = await m.tick();
    assert.ok(result.detected.length >= 3, 'everything was detected');
    assert.deepEqual(
      result.posted.map((e) => (e.type === 'environment.type-changed' ? e.name : e.type)),
      ['Marketing Sandbox'],
    );
  });

  it('keeps the snapshot but posts nothing when no notifications channel is set', async () => {
    await store.close();
    store = await openSqliteStore({ filename: ':memory:' });
    const m = monitor();
    await m.tick();
    sim.state.environments = sim.state.environments.filter((e) => e.name !== envs.itTools);
    const result = await m.tick();
    assert.equal(result.delivered, false);
    assert.deepEqual(await posts(), []);
    assert.deepEqual((await m.tick()).detected, [], 'not detected again');
  });

  describe('several replicas: one poller', () => {
    /** A tenant whose calls wait at a gate while `paused` (a replica stopped mid-poll, e.g. SIGSTOP). */
    function pausable(inner: TenantAdmin) {
      let release: () => void = () => undefined;
      const state = { paused: false, gate: Promise.resolve() };
      const pause = () => {
        state.paused = true;
        state.gate = new Promise<void>((r) => {
          release = r;
        });
      };
      const tenantProxy = new Proxy(inner, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            if (state.paused) await state.gate;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      return { tenant: tenantProxy, pause, resume: () => release() };
    }
    // A tiny interval so the lease (half the interval) runs out in 25 ms of real time.
    const replica = (name: string, t: TenantAdmin = tenant) =>
      new GovernanceMonitor({ store, tenant: t, clock, intervalSeconds: 0.05, filter: ALL, holder: name });

    it('lets only the lease holder poll; another replica takes over once the holder stops renewing', async () => {
      const a = replica('a');
      const b = replica('b');
      assert.equal((await a.tick()).baseline, true);
      assert.equal((await b.tick()).standby, true, 'b stands by while a holds the lease');
      await new Promise((r) => setTimeout(r, 120)); // a died: its lease runs out
      sim.state.environments = sim.state.environments.filter((e) => e.name !== envs.itTools);
      const taken = await b.tick();
      assert.equal(taken.standby, undefined);
      assert.deepEqual(
        taken.posted.map((e) => e.type),
        ['environment.deleted'],
      );
    });

    it('refuses the commit of a holder paused past its lease: the change is posted once, by the new holder', async () => {
      const paused = pausable(tenant);
      const a = replica('a', paused.tenant);
      const b = replica('b');
      await a.tick(); // baseline
      sim.state.environments = sim.state.environments.filter((e) => e.name !== envs.itTools);
      paused.pause();
      const aPoll = a.tick(); // holds the lease, then stops while reading the tenant
      await new Promise((r) => setTimeout(r, 120));
      const bPoll = await b.tick();
      assert.deepEqual(
        bPoll.posted.map((e) => e.type),
        ['environment.deleted'],
      );
      paused.resume();
      await assert.rejects(aPoll, LeaseLostError);
      assert.equal((await posts()).length, 1, 'one card, not two');
    });
  });
});
