import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/tenant/simulator/server.js';
import { Client, DLP, IDS, POWERAPPS_AUD, start } from './helpers.js';

const api = (name: string) => `/providers/Microsoft.PowerApps/apis/${name}`;

function groupsOf(policy: {
  policyDefinition: { connectorGroups: { classification: string; connectors: { id: string }[] }[] };
}) {
  return Object.fromEntries(
    policy.policyDefinition.connectorGroups.map((g) => [g.classification, g.connectors.map((c) => c.id)]),
  );
}

describe('tenant simulator: DLP policies (v2)', () => {
  let sim: RunningSimulator;
  let bap: Client;
  let now: Date;
  beforeEach(async () => {
    now = new Date('2026-11-20T10:00:00Z');
    sim = await start({ clock: () => now });
    bap = new Client(sim, POWERAPPS_AUD);
  });
  afterEach(() => sim.close());

  it('lists and gets policies in the wrapped shape, without api-version', async () => {
    const list = await bap.get(`${DLP}/v2/policies`);
    assert.equal(list.status, 200);
    assert.equal(list.body.value.length, 3);
    // As the real list: definitions without connector groups or connector rules (one GET per policy has them).
    for (const item of list.body.value) {
      assert.ok(item.policyDefinition.etag);
      assert.equal(item.policyDefinition.connectorGroups, undefined);
      assert.equal(item.connectorConfigurationsDefinition, undefined);
    }
    const one = await bap.get(`${DLP}/v2/policies/${IDS.tenantBaseline}`);
    assert.equal(one.status, 200);
    const def = one.body.policyDefinition;
    assert.equal(def.name, IDS.tenantBaseline);
    assert.equal(def.displayName, 'Tenant baseline');
    assert.equal(def.environmentType, 'ExceptEnvironments');
    assert.ok(def.etag);
    assert.ok(def.lastModifiedTime);
    assert.equal(def.createdBy.displayName, 'Megan Bowen');
    assert.deepEqual(
      def.connectorGroups.map((g: { classification: string }) => g.classification),
      ['Confidential', 'General', 'Blocked'],
    );
    assert.ok(one.body.connectorConfigurationsDefinition);
    assert.ok(one.body.customConnectorUrlPatternsDefinition);
    // api-version is tolerated.
    assert.equal((await bap.get(`${DLP}/v2/policies?api-version=2020-10-01`)).status, 200);
  });

  it('answers 404 ApiPolicyNotFound with the documented message', async () => {
    const res = await bap.get(`${DLP}/v2/policies/no-such-policy`);
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'ApiPolicyNotFound');
    assert.equal(
      res.body.error.message,
      `The API policy 'no-such-policy' could not be found in the tenant '${IDS.tenant}'.`,
    );
  });

  it('moves a connector from Blocked to Business with PATCH: new etag and lastModifiedTime, visible on GET', async () => {
    const before = (await bap.get(`${DLP}/v2/policies/${IDS.tenantBaseline}`)).body;
    const groups = groupsOf(before);
    assert.ok(groups['Blocked']!.includes(api('shared_dropbox')));
    const def = structuredClone(before.policyDefinition);
    const blocked = def.connectorGroups.find((g: { classification: string }) => g.classification === 'Blocked');
    const business = def.connectorGroups.find((g: { classification: string }) => g.classification === 'Confidential');
    const idx = blocked.connectors.findIndex((c: { id: string }) => c.id === api('shared_dropbox'));
    business.connectors.push(...blocked.connectors.splice(idx, 1));
    now = new Date('2026-11-21T12:00:00Z');
    const res = await bap.call('PATCH', `${DLP}/v2/policies/${IDS.tenantBaseline}`, {
      ...before,
      policyDefinition: def,
    });
    assert.equal(res.status, 200);
    assert.notEqual(res.body.policyDefinition.etag, before.policyDefinition.etag);
    assert.equal(res.body.policyDefinition.lastModifiedTime, '2026-11-21T12:00:00.000Z');
    const after = await bap.get(`${DLP}/v2/policies/${IDS.tenantBaseline}`);
    const afterGroups = groupsOf(after.body);
    assert.ok(afterGroups['Confidential']!.includes(api('shared_dropbox')));
    assert.ok(!afterGroups['Blocked']!.includes(api('shared_dropbox')));
    assert.equal(after.body.policyDefinition.etag, res.body.policyDefinition.etag);
  });

  it('by default takes a stale write (whether BAP enforces the etag is not documented: the worst case)', async () => {
    const first = (await bap.get(`${DLP}/v2/policies/${IDS.tenantBaseline}`)).body;
    const ok = await bap.call('PATCH', `${DLP}/v2/policies/${IDS.tenantBaseline}`, {
      policyDefinition: { ...first.policyDefinition, displayName: 'Tenant baseline v2' },
    });
    assert.equal(ok.status, 200);
    const stale = await bap.call(
      'PATCH',
      `${DLP}/v2/policies/${IDS.tenantBaseline}`,
      { policyDefinition: { ...first.policyDefinition, displayName: 'Last writer wins' } },
      { 'If-Match': first.policyDefinition.etag },
    );
    assert.equal(stale.status, 200);
    assert.equal(stale.body.policyDefinition.displayName, 'Last writer wins');
  });

  it('answers 412 PreconditionFailed for a stale etag in the body or in If-Match when dlpEnforcesEtag is on', async () => {
    sim.state.dlpEnforcesEtag = true;
    const first = (await bap.get(`${DLP}/v2/policies/${IDS.tenantBaseline}`)).body;
    const ok = await bap.call('PATCH', `${DLP}/v2/policies/${IDS.tenantBaseline}`, {
      policyDefinition: { ...first.policyDefinition, displayName: 'Tenant baseline v2' },
    });
    assert.equal(ok.status, 200);
    const stale = await bap.call('PATCH', `${DLP}/v2/policies/${IDS.tenantBaseline}`, {
      policyDefinition: { ...first.policyDefinition, displayName: 'Lost update' },
    });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.error.code, 'PreconditionFailed');
    const header = await bap.call(
      'PATCH',
      `${DLP}/v2/policies/${IDS.tenantBaseline}`,
      { policyDefinition: { displayName: 'Lost update' } },
      { 'If-Match': first.policyDefinition.etag },
    );
    assert.equal(header.status, 412);
    assert.equal(
      (await bap.get(`${DLP}/v2/policies/${IDS.tenantBaseline}`)).body.policyDefinition.displayName,
      'Tenant baseline v2',
    );
  });

  it('refuses invalid policies with 400: duplicate connector, unblockable connector in Blocked, unknown environment', async () => {
    const current = (await bap.get(`${DLP}/v2/policies/${IDS.tenantBaseline}`)).body.policyDefinition;
    const path = `${DLP}/v2/policies/${IDS.tenantBaseline}`;
    const dup = structuredClone(current);
    const sp = dup.connectorGroups
      .flatMap((g: { connectors: { id: string }[] }) => g.connectors)
      .find((c: { id: string }) => c.id === api('shared_sharepointonline'));
    dup.connectorGroups
      .find((g: { classification: string }) => g.classification === 'General')
      .connectors.push({ ...sp });
    const dupRes = await bap.call('PATCH', path, { policyDefinition: dup });
    assert.equal(dupRes.status, 400);
    assert.equal(dupRes.body.error.code, 'ConnectorInMultipleGroups');

    const unblockable = structuredClone(current);
    for (const g of unblockable.connectorGroups)
      g.connectors = g.connectors.filter((c: { id: string }) => c.id !== api('shared_teams'));
    unblockable.connectorGroups
      .find((g: { classification: string }) => g.classification === 'Blocked')
      .connectors.push({ id: api('shared_teams'), name: 'Microsoft Teams', type: 'Microsoft.PowerApps/apis' });
    const ubRes = await bap.call('PATCH', path, { policyDefinition: unblockable });
    assert.equal(ubRes.status, 400);
    assert.equal(ubRes.body.error.code, 'UnblockableConnectorInBlockedGroup');
    assert.match(ubRes.body.error.message, /Microsoft Teams/);

    const env = structuredClone(current);
    env.environments = [
      {
        id: '/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/nope',
        name: 'nope',
        type: 'Microsoft.BusinessAppPlatform/scopes/environments',
      },
    ];
    const envRes = await bap.call('PATCH', path, { policyDefinition: env });
    assert.equal(envRes.status, 400);

    const malformed = await bap.call('PATCH', path, '{"policyDefinition":', { 'content-type': 'application/json' });
    assert.equal(malformed.status, 400);
    // Nothing changed.
    assert.equal((await bap.get(path)).body.policyDefinition.etag, current.etag);
  });

  it('creates (201) and deletes (200) a policy; a deleted policy is 404', async () => {
    const body = {
      policyDefinition: {
        displayName: 'Finance sandbox exception',
        defaultConnectorsClassification: 'General',
        environmentType: 'OnlyEnvironments',
        environments: [
          {
            id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${IDS.financeProd}`,
            name: IDS.financeProd,
            type: 'Microsoft.BusinessAppPlatform/scopes/environments',
          },
        ],
        connectorGroups: [
          {
            classification: 'Confidential',
            connectors: [{ id: api('shared_salesforce'), name: 'Salesforce', type: 'Microsoft.PowerApps/apis' }],
          },
          { classification: 'General', connectors: [] },
          { classification: 'Blocked', connectors: [] },
        ],
      },
    };
    const created = await bap.post(`${DLP}/v2/policies`, body);
    assert.equal(created.status, 201);
    const name = created.body.policyDefinition.name;
    assert.match(name, /^[0-9a-f-]{36}$/);
    assert.ok(created.body.policyDefinition.etag);
    assert.equal((await bap.get(`${DLP}/v2/policies`)).body.value.length, 4);
    assert.equal(sim.state.dlpPolicies.length, 4);
    const del = await bap.call('DELETE', `${DLP}/v2/policies/${name}`);
    assert.equal(del.status, 200);
    assert.equal((await bap.get(`${DLP}/v2/policies/${name}`)).status, 404);
    assert.equal((await bap.call('DELETE', `${DLP}/v2/policies/${name}`)).status, 404);
  });

  it('serves unblockable and virtual connector metadata', async () => {
    const ub = await bap.get(`${DLP}/v1/connectors/metadata/unblockable`);
    assert.equal(ub.status, 200);
    const teams = ub.body.find((c: { id: string }) => c.id === api('shared_teams'));
    assert.equal(teams.metadata.unblockable, true);
    const dropbox = ub.body.find((c: { id: string }) => c.id === api('shared_dropbox'));
    assert.equal(dropbox.metadata.unblockable, false);
    const virt = await bap.get(`${DLP}/v1/connectors/metadata/virtual`);
    assert.equal(virt.status, 200);
    assert.ok(
      virt.body.every((c: { metadata: { virtualConnector: boolean } }) => c.metadata.virtualConnector === true),
    );
  });
});
