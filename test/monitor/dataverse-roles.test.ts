// The governance feed in environments with Dataverse: Environment Maker and System Administrator are security roles
// on system users, so the monitor lists their holders through the Dataverse Web API of the simulated tenant and
// posts what changed outside the bot to the notifications channel (the real bot, outbox and Bot Connector double).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/config.js';
import { EVENT_KINDS } from '../../src/monitor/events.js';
import { GovernanceMonitor } from '../../src/monitor/monitor.js';
import { createTenantAdmin } from '../../src/tenant/live/create-live-tenant-admin.js';
import { type RunningSimulator, startSimulator } from '../../src/tenant/simulator/server.js';
import type { TenantAdmin } from '../../src/tenant/tenant-admin.js';
import { type Harness, type HarnessOptions, setUpChannels, startHarness } from '../support/bot-harness.js';
import { ConnectorDouble, cardText, firstCard } from '../support/connector-double.js';
import { envs, team, users } from '../support/fixture-ids.js';

const lee = { id: 'cc2a102d-fad8-508b-8bd9-a66c3ca556be', name: 'Lee Gu' }; // no system user in Finance Sandbox
const grady = { id: 'd5e6b350-fa0f-5c52-9edd-2b2892a35714', name: 'Grady Archie' }; // Environment Maker there
const DATAVERSE_ENVIRONMENTS = 7; // in fixtures/contoso-tenant.json
const systemUserReads = (sim: RunningSimulator, domain?: string) =>
  sim.state.requests.filter(
    (r) =>
      r.method === 'GET' &&
      /\/dataverse\/[^/]+\/api\/data\/v9\.\d\/systemusers$/.test(r.path) &&
      (domain === undefined || r.path.startsWith(`/dataverse/${domain}/`)),
  );

describe('governance monitor: Dataverse security roles', () => {
  let sim: RunningSimulator;
  let connector: ConnectorDouble;
  let dataDir: string;
  let h: Harness;
  /** Someone else changing roles: a script or the admin center, not the bot. */
  let admin: TenantAdmin;

  const start = async (options: HarnessOptions = {}) => {
    h = await startHarness({ simulatorUrl: sim.url, connector, dataDir, keepData: true, ...options });
    return h;
  };
  const news = () => h.connector.messages(team.news).filter((c) => c.method === 'POST');
  const newsText = () => news().map((c) => cardText(firstCard(c.body)));
  const env = async (id: string) => {
    const found = await admin.getEnvironment(id);
    assert.ok(found);
    return found;
  };
  const user = async (id: string) => {
    const found = await admin.getUser(id);
    assert.ok(found);
    return found;
  };

  beforeEach(async () => {
    sim = await startSimulator({ retryAfterSeconds: 0 });
    connector = new ConnectorDouble();
    await connector.start();
    dataDir = mkdtempSync(join(tmpdir(), 'govbot-monitor-'));
    admin = createTenantAdmin(parseConfig({ TENANT_MODE: 'simulated' }), {
      simulatorUrl: sim.url,
      sleep: async () => undefined,
      userSyncDelayMs: 0,
    });
  });
  afterEach(async () => {
    await h?.stop();
    await connector.stop();
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('posts one notification when a role is granted through the Dataverse API, reading every page', async () => {
    await start();
    await setUpChannels(h, ['notifications']);
    assert.equal((await h.bot.monitor.tick()).baseline, true);
    await h.settle();
    assert.deepEqual(news(), [], 'the baseline is silent');

    await admin.grantEnvironmentRole(await env(envs.financeSandbox), await user(lee.id), 'EnvironmentMaker');
    sim.state.dataverseMaxPageSize = 1; // one system user per page: the listing must follow @odata.nextLink
    const before = systemUserReads(sim, 'contosofinsbx').length;
    const result = await h.bot.monitor.tick();
    const pages = systemUserReads(sim, 'contosofinsbx').slice(before);
    assert.ok(pages.length >= 3, `paged: ${pages.length}`);
    assert.ok(pages.slice(1).every((r) => r.query.includes('%24skiptoken=') || r.query.includes('$skiptoken=')));

    assert.deepEqual(
      result.posted.map((e) => e.type === 'role.added' && [e.via, e.principalId, e.role]),
      [['dataverse', lee.id, 'Environment Maker']],
    );
    await h.settle();
    assert.equal(news().length, 1);
    assert.equal(
      newsText()[0],
      '1 environment role granted outside the bot\nLee Gu became Environment Maker in Finance Sandbox (Dataverse role)',
    );
  });

  it('posts one notification when a role is removed, and groups several changes into one card', async () => {
    await start();
    await setUpChannels(h, ['notifications']);
    await h.bot.monitor.tick();
    await admin.revokeEnvironmentRole(await env(envs.financeSandbox), grady.id, 'EnvironmentMaker');
    let result = await h.bot.monitor.tick();
    assert.deepEqual(
      result.posted.map((e) => e.type),
      ['role.removed'],
    );
    await h.settle();
    assert.deepEqual(newsText(), [
      '1 environment role removed outside the bot\nGrady Archie is no longer Environment Maker in Finance Sandbox (Dataverse role)',
    ]);

    const leeUser = await user(lee.id);
    await admin.grantEnvironmentRole(await env(envs.financeSandbox), leeUser, 'EnvironmentAdmin');
    await admin.grantEnvironmentRole(await env(envs.contosoTest), leeUser, 'EnvironmentMaker');
    await admin.grantEnvironmentRole(await env(envs.contosoTest), await user(users.johanna.id), 'EnvironmentMaker');
    result = await h.bot.monitor.tick();
    assert.equal(result.posted.length, 3);
    await h.settle();
    assert.equal(news().length, 2, 'three grants, one card');
    const card = newsText()[1] ?? '';
    assert.match(card, /^3 environment roles granted outside the bot\n/);
    assert.match(card, /Lee Gu became System Administrator in Finance Sandbox \(Dataverse role\)/);
    assert.match(card, /Lee Gu became Environment Maker in Contoso Test \(Dataverse role\)/);
    assert.match(card, /Johanna Lorenz became Environment Maker in Contoso Test \(Dataverse role\)/);
  });

  it('does not report the grant the bot executed, while still reporting one made outside it', async () => {
    await start();
    await setUpChannels(h, ['approvals', 'notifications']);
    await h.bot.monitor.tick();

    assert.equal((await h.personal(users.alex, 'request maker role in Finance Sandbox')).status, 200);
    await h.settle();
    const approvalPost = h.connector.messages(team.approvals).find((c) => c.method === 'POST');
    assert.ok(approvalPost);
    const res = await h.invoke(
      users.nestor,
      'approve',
      { requestId: 'REQ-1001', revision: 0 },
      { conversationId: team.approvals, channelId: team.approvals, replyToId: approvalPost.id },
    );
    assert.equal(res.status, 200);
    await h.settle();
    assert.equal((await h.bot.store.requests.get('REQ-1001'))?.status, 'completed');
    await admin.grantEnvironmentRole(await env(envs.financeSandbox), await user(lee.id), 'EnvironmentMaker');

    const result = await h.bot.monitor.tick();
    const who = (list: typeof result.posted) =>
      list.map((e) => (e.type === 'role.added' || e.type === 'role.removed' ? `${e.type} ${e.principal}` : e.type));
    assert.deepEqual(who(result.detected), ['role.added Alex Wilber', 'role.added Lee Gu'], 'both were seen');
    assert.deepEqual(who(result.posted), ['role.added Lee Gu'], 'only the change outside the bot is posted');
    await h.settle();
    assert.equal(news().length, 1);
    assert.doesNotMatch(newsText()[0] ?? '', /Alex/);
  });

  it('announces nothing again after a restart', async () => {
    await start();
    await setUpChannels(h, ['notifications']);
    await h.bot.monitor.tick();
    await admin.grantEnvironmentRole(await env(envs.financeSandbox), await user(lee.id), 'EnvironmentMaker');
    await h.bot.monitor.tick();
    await h.settle();
    assert.equal(news().length, 1);
    await h.stop();

    await start(); // a new process: same storage, same tenant, same Teams
    const after = await h.bot.monitor.tick();
    assert.equal(after.baseline, false);
    assert.deepEqual(after.detected, []);
    await h.settle();
    assert.equal(news().length, 1);

    await admin.revokeEnvironmentRole(await env(envs.financeSandbox), lee.id, 'EnvironmentMaker');
    assert.deepEqual(
      (await h.bot.monitor.tick()).posted.map((e) => e.type),
      ['role.removed'],
      'and still sees what changes next',
    );
  });

  it('reads each Dataverse org once per poll, and only the orgs and kinds the config asks for', async () => {
    await start();
    await h.bot.monitor.tick();
    let before = systemUserReads(sim).length;
    await h.bot.monitor.tick();
    assert.equal(systemUserReads(sim).length - before, DATAVERSE_ENVIRONMENTS, 'one listing per org per poll');
    await h.stop();

    await start({ env: { MONITOR_ENVIRONMENTS: 'Contoso Test' } });
    await setUpChannels(h, ['notifications']);
    before = systemUserReads(sim).length;
    await h.bot.monitor.tick();
    assert.deepEqual(
      systemUserReads(sim)
        .slice(before)
        .map((r) => r.path.split('/')[2]),
      ['contosotest'],
    );
    await admin.grantEnvironmentRole(await env(envs.financeSandbox), await user(lee.id), 'EnvironmentMaker');
    await admin.grantEnvironmentRole(await env(envs.contosoTest), await user(lee.id), 'EnvironmentMaker');
    assert.deepEqual(
      (await h.bot.monitor.tick()).posted.map((e) => 'environment' in e && e.environment),
      ['Contoso Test'],
    );
    await h.stop();

    await start({ env: { MONITOR_EVENT_KINDS: 'environments,dlp,connectors' } });
    await admin.grantEnvironmentRole(await env(envs.contosoTest), await user(users.johanna.id), 'EnvironmentMaker');
    before = systemUserReads(sim).length;
    const result = await h.bot.monitor.tick();
    assert.equal(systemUserReads(sim).length, before, 'no Dataverse reads without the roles kind');
    assert.deepEqual(result.posted, []);
  });

  it('keeps the last known holders of an org that cannot be read, and reports the rest', async () => {
    await start();
    await setUpChannels(h, ['notifications']);
    const errors: unknown[] = [];
    const monitor = new GovernanceMonitor({
      store: h.bot.store,
      tenant: h.bot.tenant,
      clock: () => new Date(),
      intervalSeconds: 300,
      filter: { kinds: EVENT_KINDS, environments: [] },
      onError: (e) => errors.push(e),
    });
    await monitor.tick();
    await admin.grantEnvironmentRole(await env(envs.contosoTest), await user(lee.id), 'EnvironmentMaker');
    sim.state.failNext({ method: 'GET', pathIncludes: '/dataverse/contosofinsbx/', status: 403, times: 5 });
    const result = await monitor.tick();
    assert.equal(errors.length, 1, 'the unreadable org was reported');
    assert.deepEqual(
      result.detected.map((e) => 'environment' in e && `${e.type} ${e.environment}`),
      ['role.added Contoso Test'],
      'no removals invented for Finance Sandbox',
    );
    sim.state.faults.splice(0);
    assert.deepEqual((await monitor.tick()).detected, [], 'nothing changed once it answers again');
  });
});
