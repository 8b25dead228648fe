// LiveTenantAdmin against the simulated tenant: the wire it speaks (paths, audiences, retries) and what it records.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'mocha';
import { parseConfig } from '../../../src/config/config.js';
import type { ApiCall } from '../../../src/requests/model.js';
import { recordApiCalls } from '../../../src/tenant/live/api-call-log.js';
import {
  createTenantAdmin,
  createTokenProvider,
  SIMULATED_CLIENT_ID,
} from '../../../src/tenant/live/create-live-tenant-admin.js';
import type { LiveTenantAdmin } from '../../../src/tenant/live/live-tenant-admin.js';
import type { TokenProvider } from '../../../src/tenant/live/token-provider.js';
import { type RunningSimulator, startSimulator } from '../../../src/tenant/simulator/server.js';
import { AdminApiError } from '../../../src/tenant/tenant-admin.js';

const CONTOSO_DEV = '7c4ff43f-9f0d-5892-9f4a-69dd7e3fbcb6';
const CONTOSO_TEST = 'd9f45590-b8cf-5fa5-8c9b-3e274c95c4ad';
const HR_PROD = 'aa18e62c-5f16-5f07-b5bb-2177ccda47e3';
const FINANCE_PROD = '6f553ca4-d0b2-5977-8aac-e7825409a59e';
const JOHANNA = '24126d3b-3c9c-51f9-bb95-3135907ba515'; // Contoso Test: Basic User // contosohr, instanceUrl on crm4
const ALEX = '1205d490-732f-537a-acd3-a0aa663f609f';

/** Wraps a provider to see every token it hands out. */
class SpyTokens implements TokenProvider {
  readonly issued = new Set<string>();
  constructor(private readonly inner: TokenProvider) {}
  async getToken(scope: string): Promise<string> {
    const token = await this.inner.getToken(scope);
    this.issued.add(token);
    return token;
  }
  invalidate(scope: string): void {
    this.inner.invalidate?.(scope);
  }
}

describe('LiveTenantAdmin on the simulated tenant', () => {
  let sim: RunningSimulator;
  let admin: LiveTenantAdmin;
  let tokens: SpyTokens;
  const calls: ApiCall[] = [];
  const sleeps: number[] = [];

  before(async () => {
    sim = await startSimulator({ port: 0, retryAfterSeconds: 0, lroPollsToComplete: 2 });
    const config = parseConfig({ TENANT_MODE: 'simulated', HTTP_MAX_RETRIES: '3' });
    tokens = new SpyTokens(createTokenProvider(config, sim.url));
    admin = createTenantAdmin(config, {
      simulatorUrl: sim.url,
      tokenProvider: tokens,
      onApiCall: (c) => calls.push(c),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      userSyncDelayMs: 0,
    });
  });
  after(async () => {
    await sim?.close();
  });
  afterEach(() => {
    sim.state.clearFaults();
  });

  it('gets its tokens from the simulated /login through real msal-node, one per audience', async () => {
    await admin.listEnvironments();
    await admin.getUser(ALEX);
    const tokenCalls = sim.state.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/oauth2/v2.0/token'));
    assert.ok(tokenCalls.length >= 2);
    assert.ok(
      tokenCalls.every((r) => r.path === `/login/${sim.state.tenant.id}/oauth2/v2.0/token` && r.status === 200),
    );
    const before = tokenCalls.length;
    await admin.listEnvironments();
    const after = sim.state.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token')).length;
    assert.equal(after, before, 'a cached token is reused');
    const bap = sim.state.requests.find((r) => r.path.startsWith('/bap/') && r.status === 200);
    assert.equal(bap?.audience, 'https://service.powerapps.com');
    const graph = sim.state.requests.find((r) => r.path.startsWith('/graph/') && r.status === 200);
    assert.equal(graph?.audience, 'https://graph.microsoft.com');
  });

  it('uses the org’s real origin as the Dataverse audience, though the simulator serves it', async () => {
    const envs = await admin.listEnvironments();
    const hr = envs.find((e) => e.id === HR_PROD);
    assert.ok(hr);
    assert.ok(hr.instanceApiUrl?.startsWith(`${sim.url}/dataverse/`), 'HR Production served by the simulator');
    await admin.hasEnvironmentRole(hr, ALEX, 'EnvironmentMaker');
    const dv = sim.state.requests.filter((r) => r.path.startsWith('/dataverse/contosohr/'));
    assert.ok(dv.length > 0);
    // The simulated BAP names its own URLs as instanceUrl, so the audience comes from the domain name.
    for (const r of dv) assert.equal(r.audience, 'https://contosohr.crm.dynamics.com');
  });

  it('calls an org it has never listed with the audience of its domain name', async () => {
    const config = parseConfig({ TENANT_MODE: 'simulated' });
    const fresh = createTenantAdmin(config, { simulatorUrl: sim.url, sleep: async () => {} });
    const ref = {
      id: CONTOSO_TEST,
      displayName: 'Contoso Test',
      sku: 'Sandbox',
      location: 'unitedstates',
      hasDataverse: true,
      isDefault: false,
      instanceApiUrl: `${sim.url}/dataverse/contosotest`,
    };
    assert.equal(await fresh.hasEnvironmentRole(ref, 'd17b9743-c9fd-59a8-adc7-4023de8a4719', 'EnvironmentAdmin'), true);
  });

  it('retries a throttled call (429, Retry-After 0) and a 503, reporting every attempt', async () => {
    sim.state.failNext({
      method: 'GET',
      pathIncludes: '/scopes/admin/environments',
      status: 429,
      headers: { 'Retry-After': '0' },
    });
    sim.state.failNext({ method: 'GET', pathIncludes: '/scopes/admin/environments', status: 503 });
    sleeps.length = 0;
    const { result, calls: recorded } = await recordApiCalls(() => admin.listEnvironments());
    assert.ok(result.length >= 12);
    assert.deepEqual(
      recorded.map((c) => c.status),
      [429, 503, 200],
    );
    assert.equal(sleeps[0], 0, 'Retry-After 0 means no wait');
    assert.ok(recorded.every((c) => c.method === 'GET' && c.url.startsWith(`${sim.url}/bap/providers/`)));
  });

  it('gives up after HTTP_MAX_RETRIES and surfaces the service error', async () => {
    sim.state.failNext({
      method: 'GET',
      pathIncludes: '/v2/policies',
      status: 503,
      body: { error: { code: 'ServiceUnavailable', message: 'down' } },
      times: 10,
    });
    const { calls: recorded } = await recordApiCalls(() =>
      admin.listDlpPolicies().catch((e: unknown) => {
        assert.ok(e instanceof AdminApiError);
        assert.equal(e.status, 503);
        assert.equal(e.code, 'ServiceUnavailable');
        return [];
      }),
    );
    assert.equal(recorded.length, 4, 'first attempt + 3 retries');
  });

  it('maps a BAP error to AdminApiError with its code', async () => {
    const missing = await admin.getEnvironment('00000000-0000-0000-0000-00000000beef');
    assert.equal(missing, undefined);
    sim.state.failNext({
      method: 'POST',
      pathIncludes: '/modifyRoleAssignments',
      status: 403,
      body: { error: { code: 'Forbidden', message: 'does not have permission to access the path' } },
    });
    const env = await admin.getEnvironment(CONTOSO_DEV);
    const user = await admin.getUser(ALEX);
    assert.ok(env && user);
    await assert.rejects(admin.grantEnvironmentRole(env, user, 'EnvironmentMaker'), {
      name: 'AdminApiError',
      status: 403,
      code: 'Forbidden',
    });
  });

  it('retries creation while another lifecycle operation runs (409 OperationNotStartable), then polls the Location', async () => {
    sim.state.failNext({
      method: 'POST',
      pathIncludes: '/Microsoft.BusinessAppPlatform/environments',
      status: 409,
      body: { error: { code: 'OperationNotStartable', message: 'another operation is running' } },
    });
    const start = await admin.startEnvironmentCreation(
      { type: 'new-environment', displayName: 'Dev sandbox for Alex', sku: 'Developer', location: 'europe' },
      ALEX,
    );
    assert.equal(start.kind, 'accepted');
    assert.ok(start.kind === 'accepted' && start.operationUrl.startsWith(`${sim.url}/bap/`));
    const posts = sim.state.requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/Microsoft.BusinessAppPlatform/environments'),
    );
    assert.deepEqual(
      posts.map((p) => p.status),
      [409, 202],
    );
    let op = await admin.getLifecycleOperation(start.operationUrl);
    for (let i = 0; i < 10 && op.state === 'Running'; i++) op = await admin.getLifecycleOperation(start.operationUrl);
    assert.equal(op.state, 'Succeeded');
    assert.ok(op.stages.length > 0);
    assert.ok(op.environmentId);
    const created = await admin.getEnvironment(op.environmentId);
    assert.equal(created?.sku, 'Developer');
  });

  it('refuses to send a token to a host it does not know (e.g. a forged Location)', async () => {
    await assert.rejects(admin.getLifecycleOperation('https://attacker.example.com/lifecycleOperations/1'), {
      name: 'UnknownApiHostError',
    });
  });

  it('never records a token or secret in the API call records', () => {
    assert.ok(calls.length > 10);
    assert.ok(tokens.issued.size >= 2);
    const recorded = JSON.stringify(calls);
    for (const token of tokens.issued) assert.ok(!recorded.includes(token));
    assert.ok(!recorded.includes('simulated-secret'));
    assert.ok(!recorded.toLowerCase().includes('bearer'));
    assert.ok(calls.every((c) => typeof c.status === 'number' && c.at && typeof c.durationMs === 'number'));
    assert.ok(
      calls.some((c) => c.status >= 400),
      'failed calls are recorded with their status',
    );
    assert.equal(SIMULATED_CLIENT_ID, '00000000-0000-0000-0000-000000000001');
  });
  it('lists the solution-aware flows of a Dataverse environment (include=includeSolutionCloudFlows)', async () => {
    const { items, flowsNotListed } = await admin.listInventory(FINANCE_PROD);
    assert.equal(flowsNotListed, undefined);
    assert.ok(
      items.some((i) => i.kind === 'flow' && i.displayName === 'Invoice approvals'),
      JSON.stringify(items.map((i) => i.displayName)),
    );
  });

  it('keeps the apps and says the flows could not be listed when the flow list is refused (403)', async () => {
    sim.state.flowListForbidden = true;
    try {
      const { items, flowsNotListed } = await admin.listInventory(CONTOSO_DEV);
      assert.match(flowsNotListed ?? '', /refused/);
      assert.ok(items.some((i) => i.kind === 'app' && i.displayName === 'Expense Tracker'));
      assert.ok(!items.some((i) => i.kind === 'flow'));
    } finally {
      sim.state.flowListForbidden = false;
    }
  });
  it('counts a Power Apps plan in its grace period (Warning) as a licence, and names plans Graph leaves unnamed', async () => {
    const megan = sim.state.findUser('d17b9743-c9fd-59a8-adc7-4023de8a4719')!;
    const plan = megan.assignedPlans.find((p) => p.service === 'PowerAppsService')!;
    const before = plan.capabilityStatus;
    plan.capabilityStatus = 'Warning';
    try {
      const user = await admin.getUser(megan.id);
      assert.equal(user?.hasPowerAppsLicense, true);
      assert.equal(user?.plans.find((p) => p.service === 'PowerAppsService')?.servicePlanName, 'POWERAPPS_O365_P2');
      plan.capabilityStatus = 'Suspended';
      assert.equal((await admin.getUser(megan.id))?.hasPowerAppsLicense, false);
    } finally {
      plan.capabilityStatus = before;
    }
  });
  it("grants the role of the user's own business unit when it is not the root one", async () => {
    const org = sim.state.findEnvironment(CONTOSO_TEST)!.dataverse!;
    const unit = sim.state.addChildBusinessUnit(org, 'Contoso Test - Sales');
    const johanna = org.systemusers.find((s) => s.azureactivedirectoryobjectid === JOHANNA)!;
    johanna.businessunitid = unit;
    const env = (await admin.getEnvironment(CONTOSO_TEST))!;
    const user = (await admin.getUser(JOHANNA))!;
    await admin.grantEnvironmentRole(env, user, 'EnvironmentMaker');
    assert.equal(await admin.hasEnvironmentRole(env, JOHANNA, 'EnvironmentMaker'), true);
    const childMaker = org.roles.find((r) => r.name === 'Environment Maker' && r.businessunitid === unit)!;
    const associations = sim.state.requests.filter(
      (r) => r.method === 'POST' && r.path.includes('systemuserroles_association'),
    );
    assert.equal(associations.at(-1)?.status, 204, 'the role of her own unit was accepted');
    assert.ok(childMaker);
    await admin.revokeEnvironmentRole(env, JOHANNA, 'EnvironmentMaker');
    assert.equal(await admin.hasEnvironmentRole(env, JOHANNA, 'EnvironmentMaker'), false);
  });
  it('lists an environment that is being created with its provisioning state, never as Ready', async () => {
    const started = await admin.startEnvironmentCreation(
      {
        type: 'new-environment',
        displayName: 'Provisioning probe',
        sku: 'Sandbox',
        location: 'unitedstates',
        dataverse: { languageLcid: 1033, currency: 'USD', domainName: 'provisioningprobe' },
      },
      ALEX,
    );
    assert.equal(started.kind, 'accepted');
    const listed = (await admin.listEnvironments()).find((e) => e.displayName === 'Provisioning probe');
    assert.equal(listed?.state, 'LinkedDatabaseProvisioning');
    assert.notEqual(listed?.instanceState, 'Ready');
    if (started.kind === 'accepted') {
      for (let i = 0; i < 5 && (await admin.getLifecycleOperation(started.operationUrl)).state === 'Running'; i++);
    }
    const done = (await admin.listEnvironments()).find((e) => e.displayName === 'Provisioning probe');
    assert.equal(done?.state, 'Ready');
  });
});
