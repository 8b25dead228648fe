// The RequestPreparer over the real tenant-admin client and the simulated tenant: immediate answers,
// refusals naming the field, and the details (with DLP impact) that get filed.
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/config/config.js';
import type { RequestPreparer } from '../../../src/requests/preparation.js';
import { createRequestPreparer } from '../../../src/requests/preparers/index.js';
import { createTenantAdmin } from '../../../src/tenant/live/create-live-tenant-admin.js';
import { type RunningSimulator, startSimulator } from '../../../src/tenant/simulator/server.js';
import { envs, users } from '../../support/fixture-ids.js';

describe('preparers', () => {
  let sim: RunningSimulator;
  let prep: RequestPreparer;
  beforeEach(async () => {
    sim = await startSimulator({ port: 0, retryAfterSeconds: 0 });
    const tenant = createTenantAdmin(parseConfig({ TENANT_MODE: 'simulated' }), {
      simulatorUrl: sim.url,
      sleep: async () => {},
    });
    prep = createRequestPreparer(tenant);
  });
  afterEach(() => sim.close());

  describe('maker role', () => {
    it('answers at once for the default environment and for a role already held', async () => {
      const dflt = await prep.makerRole({ requesterId: users.alex.id, environmentId: envs.default });
      assert.equal(dflt.kind, 'answer');
      assert.match(
        dflt.kind === 'answer' ? dflt.message : '',
        /already an Environment Maker in the default environment/,
      );
      const held = await prep.makerRole({ requesterId: users.adele.id, environmentId: envs.contosoDev });
      assert.equal(held.kind, 'answer');
      assert.match(
        held.kind === 'answer' ? held.message : '',
        /already hold the Environment Maker role in Contoso Dev/,
      );
    });

    it("answers at once for someone else's Developer environment, without naming its owner", async () => {
      const other = await prep.makerRole({ requesterId: users.alex.id, environmentId: envs.hrDev });
      assert.equal(other.kind, 'answer');
      const message = other.kind === 'answer' ? other.message : '';
      assert.match(message, /HR Dev is a Developer environment: it is for its owner's individual use/);
      assert.doesNotMatch(message, /Diego/);
    });

    it('is ready otherwise, and for an unlicensed requester and a Dataverse environment offers route-anyway or cancel', async () => {
      const ok = await prep.makerRole({ requesterId: users.alex.id, environmentId: envs.marketingSandbox });
      assert.equal(ok.kind, 'ready');
      assert.deepEqual(ok.kind === 'ready' ? ok.notes : undefined, []);
      const unlicensed = await prep.makerRole({ requesterId: users.lidia.id, environmentId: envs.contosoTest });
      assert.equal(unlicensed.kind, 'ready');
      const note = unlicensed.kind === 'ready' ? (unlicensed.notes ?? []).join(' ') : '';
      assert.match(note, /no Power Apps licence/);
      assert.match(note, /userNotLicensed/);
      assert.match(note, /approver anyway, or cancel/);
      const unknown = await prep.makerRole({ requesterId: users.alex.id, environmentId: 'nope' });
      assert.deepEqual(unknown.kind === 'invalid' ? unknown.field : unknown.kind, 'environment');
    });
  });

  describe('connector unblock', () => {
    it('answers at once when nothing blocks it, naming the group', async () => {
      const r = await prep.connectorUnblock({
        requesterId: users.alex.id,
        environmentId: envs.itTools,
        connectorId: 'shared_dropbox',
      });
      assert.deepEqual(r, { kind: 'answer', message: 'Dropbox is already allowed in IT Tools, as Non-business.' });
    });

    it("answers at once for someone else's Developer environment, not its owner's, without naming the owner", async () => {
      const other = await prep.connectorUnblock({
        requesterId: users.alex.id,
        environmentId: envs.hrDev,
        connectorId: 'shared_dropbox',
      });
      assert.equal(other.kind, 'answer');
      const message = other.kind === 'answer' ? other.message : '';
      assert.match(message, /HR Dev is a Developer environment: it is for its owner's individual use/);
      assert.doesNotMatch(message, /Diego/);
      // Its owner (Diego Siciliani) is answered on the DLP facts as anyone is in their own environment.
      const own = await prep.connectorUnblock({
        requesterId: '2fc53c53-6050-5799-8c38-738ff98397dd',
        environmentId: envs.hrDev,
        connectorId: 'shared_dropbox',
      });
      assert.doesNotMatch(own.kind === 'answer' ? own.message : '', /individual use/);
    });

    it('answers at once for an unblockable connector (by full id)', async () => {
      const r = await prep.connectorUnblock({
        requesterId: users.alex.id,
        environmentId: envs.contosoDev,
        connectorId: '/providers/Microsoft.PowerApps/apis/shared_sharepointonline',
      });
      assert.equal(r.kind, 'answer');
      assert.match(r.kind === 'answer' ? r.message : '', /SharePoint .*can never be blocked/);
    });

    it('refuses an unknown connector, naming the field', async () => {
      const r = await prep.connectorUnblock({
        requesterId: users.alex.id,
        environmentId: envs.contosoDev,
        connectorId: 'shared_nosuch',
      });
      assert.equal(r.kind === 'invalid' ? r.field : r.kind, 'connector');
    });

    it('is ready with the blocking policies, defaults and impact', async () => {
      const r = await prep.connectorUnblock({
        requesterId: users.alex.id,
        environmentId: envs.contosoDev,
        connectorId: 'shared_dropbox',
      });
      assert.equal(r.kind, 'ready');
      if (r.kind !== 'ready' || r.details.type !== 'connector-unblock') return;
      const d = r.details;
      assert.deepEqual(
        d.blockingPolicies.map((p) => p.displayName),
        ['Tenant baseline'],
      );
      assert.equal(d.classification, 'General');
      assert.equal(d.scope, 'exception');
      assert.equal(d.connector.displayName, 'Dropbox');
      // Tenant baseline covers every environment but IT Tools: 11 of 12.
      assert.deepEqual(d.impact?.policies, [
        {
          name: 'eb375b69-c7f9-5e8d-af20-9079b9807eec',
          displayName: 'Tenant baseline',
          environmentType: 'ExceptEnvironments',
          coveredEnvironments: 11,
          exceptionPossible: true,
        },
      ]);
      // Production environments stay blocked by "Production lockdown": 11 - 3 reached tenant-wide.
      assert.equal(d.impact?.tenantWideEnvironments, 8);
      const resources = d.impact?.resources.map((x) => `${x.kind}:${x.displayName}@${x.environment}:${x.state}`);
      assert.deepEqual(resources, [
        'flow:Dropbox invoice sync@Contoso Dev:Suspended',
        'flow:Dropbox backup of team files@Contoso (default):Suspended',
      ]);
    });

    it('names both policies when two block the connector', async () => {
      const r = await prep.connectorUnblock({
        requesterId: users.adele.id,
        environmentId: '6f553ca4-d0b2-5977-8aac-e7825409a59e',
        connectorId: 'shared_gmail',
      });
      assert.equal(r.kind, 'ready');
      if (r.kind !== 'ready' || r.details.type !== 'connector-unblock') return;
      assert.deepEqual(r.details.blockingPolicies.map((p) => p.displayName).sort(), [
        'Production lockdown',
        'Tenant baseline',
      ]);
    });
  });

  describe('new environment', () => {
    const base = { requesterId: users.alex.id, sku: 'Sandbox' as const, location: 'europe' };

    it('refuses a name that clashes with an existing environment', async () => {
      const r = await prep.newEnvironment({ ...base, displayName: 'contoso dev' });
      assert.equal(r.kind === 'invalid' ? r.field : r.kind, 'displayName');
      assert.match(r.kind === 'invalid' ? r.message : '', /Contoso Dev already exists/);
    });

    it('refuses an unknown region and a region outside the location, naming the field', async () => {
      const loc = await prep.newEnvironment({ ...base, displayName: 'New one', location: 'mars' });
      assert.equal(loc.kind === 'invalid' ? loc.field : loc.kind, 'location');
      const region = await prep.newEnvironment({ ...base, displayName: 'New one', azureRegion: 'eastus' });
      assert.equal(region.kind === 'invalid' ? region.field : region.kind, 'azureRegion');
    });

    it('catches a Dataverse domain already in use before anyone is asked, and suggests another', async () => {
      const r = await prep.newEnvironment({
        ...base,
        displayName: 'Contoso Testing',
        dataverse: { domainName: 'contosotest' },
      });
      assert.equal(r.kind === 'invalid' ? r.field : r.kind, 'domainName');
      assert.match(
        r.kind === 'invalid' ? r.message : '',
        /contosotest is already in use\. You could use contosotesting\./,
      );
      assert.ok(sim.state.requests.some((q) => q.path.endsWith('/validateEnvironmentDetails') && q.status === 400));
    });

    it('refuses an unknown currency or language', async () => {
      const cur = await prep.newEnvironment({ ...base, displayName: 'Money', dataverse: { currency: 'XYZ' } });
      assert.equal(cur.kind === 'invalid' ? cur.field : cur.kind, 'currency');
      const lang = await prep.newEnvironment({ ...base, displayName: 'Money', dataverse: { languageLcid: 9999 } });
      assert.equal(lang.kind === 'invalid' ? lang.field : lang.kind, 'language');
    });

    it('suggests a free domain from the display name, with the region’s currency and English', async () => {
      const r = await prep.newEnvironment({ ...base, displayName: 'Contoso Test', location: 'Europe', dataverse: {} });
      // "Contoso Test" clashes by name; use a fresh name whose natural domain is taken.
      assert.equal(r.kind, 'invalid');
      const ok = await prep.newEnvironment({ ...base, displayName: 'Contoso-Test!', dataverse: {} });
      assert.equal(ok.kind, 'ready');
      if (ok.kind !== 'ready' || ok.details.type !== 'new-environment') return;
      assert.deepEqual(ok.details.dataverse, {
        domainName: 'contosotest2',
        currency: 'EUR',
        languageLcid: 1033,
        securityGroupId: undefined,
      });
      assert.equal(ok.details.location, 'europe');
      assert.match((ok.notes ?? []).join(' '), /suggested the Dataverse domain name contosotest2/);
      assert.match((ok.notes ?? []).join(' '), /Dataverse gets EUR and English \(United States\), proposed for Europe/);
    });
  });
});
