import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/tenant/simulator/server.js';
import { Client, FLOW_AUD, IDS, POWERAPPS_AUD, start } from './helpers.js';

const PA = '/powerapps/providers/Microsoft.PowerApps';
const FLOW = '/flow/providers/Microsoft.ProcessSimple/scopes/admin/environments';
const V = 'api-version=2016-11-01';

describe('tenant simulator: connector catalogue and app/flow inventory', () => {
  let sim: RunningSimulator;
  let pa: Client;
  let flow: Client;
  before(async () => {
    sim = await start();
    pa = new Client(sim, POWERAPPS_AUD);
    flow = new Client(sim, FLOW_AUD);
  });
  after(() => sim.close());

  it('lists the connector catalogue', async () => {
    const res = await pa.get(
      `${PA}/apis?api-version=2019-05-01&showApisWithToS=true&hideDlpExemptApis=true&showAllDlpEnforceableApis=true&$filter=environment eq '~Default'`,
    );
    assert.equal(res.status, 200);
    assert.equal(res.body.value.length, 42);
    const sql = res.body.value.find((c: { name: string }) => c.name === 'shared_sql');
    assert.equal(sql.id, '/providers/Microsoft.PowerApps/apis/shared_sql');
    assert.equal(sql.type, 'Microsoft.PowerApps/apis');
    assert.equal(sql.properties.displayName, 'SQL Server');
    assert.equal(sql.properties.tier, 'Premium');
    assert.equal(sql.properties.publisher, 'Microsoft');
    assert.equal(sql.properties.isCustomApi, false);
    assert.equal((await pa.get(`${PA}/apis`)).status, 400, 'api-version required');
  });

  it('lists apps with their connection references', async () => {
    const res = await pa.get(`${PA}/scopes/admin/environments/${IDS.contosoDev}/apps?${V}`);
    assert.equal(res.status, 200);
    const app = res.body.value.find(
      (a: { properties: { displayName: string } }) => a.properties.displayName === 'Expense Tracker',
    );
    assert.ok(app);
    assert.equal(app.properties.owner.id, IDS.adele);
    assert.equal(app.properties.environment.name, IDS.contosoDev);
    const refs = Object.values(app.properties.connectionReferences) as { id: string; displayName: string }[];
    assert.deepEqual(refs.map((r) => r.id).sort(), [
      '/providers/Microsoft.PowerApps/apis/shared_office365users',
      '/providers/Microsoft.PowerApps/apis/shared_sharepointonline',
    ]);
    assert.ok(refs.every((r) => r.displayName));
    const one = await pa.get(`${PA}/scopes/admin/environments/${IDS.contosoDev}/apps/${app.name}?${V}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.name, app.name);
  });

  it('lists flows (v2: minimal fields with state) and gets one with connection references', async () => {
    const res = await flow.get(`${FLOW}/${IDS.contosoDev}/v2/flows?${V}`);
    assert.equal(res.status, 200);
    const f = res.body.value.find(
      (x: { properties: { displayName: string } }) => x.properties.displayName === 'Dropbox invoice sync',
    );
    assert.equal(f.properties.state, 'Suspended');
    assert.equal(f.properties.connectionReferences, undefined);
    const one = await flow.get(`${FLOW}/${IDS.contosoDev}/flows/${f.name}?${V}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.properties.state, 'Suspended');
    const refs = one.body.properties.connectionReferences;
    assert.equal(refs.shared_dropbox.id, '/providers/Microsoft.PowerApps/apis/shared_dropbox');
    assert.ok(refs.shared_sharepointonline);
    const missing = await flow.get(`${FLOW}/${IDS.contosoDev}/flows/nope?${V}`);
    assert.equal(missing.status, 404);
  });

  it('pages inventory with nextLink and answers 404 for an unknown environment', async () => {
    const first = await flow.get(`${FLOW}/${IDS.defaultEnv}/v2/flows?${V}&$top=1`);
    assert.equal(first.body.value.length, 1);
    assert.ok(first.body.nextLink);
    const second = await flow.get(first.body.nextLink.slice(sim.url.length));
    assert.equal(second.body.value.length, 1);
    assert.notEqual(second.body.value[0].name, first.body.value[0].name);
    assert.equal(second.body.nextLink, undefined);
    const unknown = await pa.get(`${PA}/scopes/admin/environments/nope/apps?${V}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'EnvironmentNotFound');
    const noVersion = await flow.get(`${FLOW}/${IDS.contosoDev}/v2/flows`);
    assert.equal(noVersion.status, 400);
    assert.equal(noVersion.body.error.code, 'MissingApiVersionParameter');
  });
});
