import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/tenant/simulator/server.js';
import { BAP, Client, IDS, POWERAPPS_AUD, start } from './helpers.js';

const V = 'api-version=2021-04-01';
const scope = (env: string) => `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${env}`;

function addMaker(env: string, principal: Record<string, unknown>, role = 'EnvironmentMaker') {
  return { add: [{ properties: { roleDefinition: { id: `${scope(env)}/roleDefinitions/${role}` }, principal } }] };
}

describe('tenant simulator: BAP role assignments and user sync', () => {
  let sim: RunningSimulator;
  let bap: Client;
  beforeEach(async () => {
    sim = await start();
    bap = new Client(sim, POWERAPPS_AUD);
  });
  afterEach(() => sim.close());

  it('lists role assignments of an environment without Dataverse in the BAP shape', async () => {
    const res = await bap.get(`${BAP}/scopes/admin/environments/${IDS.defaultEnv}/roleAssignments?${V}`);
    assert.equal(res.status, 200);
    assert.ok(res.body.value.length >= 1);
    const tenantWide = res.body.value.find(
      (r: { properties: { principal: { type: string } } }) => r.properties.principal.type === 'Tenant',
    );
    assert.ok(tenantWide, 'everyone is an Environment Maker in the default environment');
    assert.equal(tenantWide.properties.roleDefinition.name, 'EnvironmentMaker');
    assert.equal(tenantWide.properties.scope, scope(IDS.defaultEnv));
    assert.equal(tenantWide.id, `${scope(IDS.defaultEnv)}/roleAssignments/${tenantWide.name}`);
  });

  it('answers 403 for role assignments on an environment with Dataverse', async () => {
    const get = await bap.get(`${BAP}/scopes/admin/environments/${IDS.financeProd}/roleAssignments?${V}`);
    assert.equal(get.status, 403);
    assert.ok(get.body.error.code);
    assert.match(get.body.error.message, /Dataverse/);
    const post = await bap.post(
      `${BAP}/scopes/admin/environments/${IDS.financeProd}/modifyRoleAssignments?${V}`,
      addMaker(IDS.financeProd, { id: IDS.johanna, type: 'User' }),
    );
    assert.equal(post.status, 403);
  });

  it('adds a role (case-insensitive name) and removes it; later GETs show the change', async () => {
    const path = `${BAP}/scopes/admin/environments/${IDS.contosoDev}`;
    const before = (await bap.get(`${path}/roleAssignments?${V}`)).body.value.length;
    const add = await bap.post(
      `${path}/modifyRoleAssignments?${V}`,
      addMaker(
        IDS.contosoDev,
        { id: IDS.johanna, type: 'User', email: 'johannal@contoso.onmicrosoft.com' },
        'environmentmaker',
      ),
    );
    assert.equal(add.status, 200);
    assert.equal(add.body.add[0].httpStatus, 'Created');
    const assignment = add.body.add[0].roleAssignment;
    assert.equal(assignment.properties.roleDefinition.name, 'EnvironmentMaker');
    assert.equal(assignment.properties.principal.id, IDS.johanna);
    assert.equal(assignment.properties.principal.displayName, 'Johanna Lorenz');

    const after = await bap.get(`${path}/roleAssignments?${V}`);
    assert.equal(after.body.value.length, before + 1);
    assert.ok(after.body.value.some((r: { name: string }) => r.name === assignment.name));

    // Adding the same again does not duplicate.
    const again = await bap.post(
      `${path}/modifyRoleAssignments?${V}`,
      addMaker(IDS.contosoDev, { id: IDS.johanna, type: 'User' }),
    );
    assert.equal(again.body.add[0].roleAssignment.name, assignment.name);
    assert.equal((await bap.get(`${path}/roleAssignments?${V}`)).body.value.length, before + 1);

    const remove = await bap.post(`${path}/modifyRoleAssignments?${V}`, { remove: [{ id: assignment.id }] });
    assert.equal(remove.status, 200);
    assert.equal(remove.body.remove[0].httpStatus, 'OK');
    const final = await bap.get(`${path}/roleAssignments?${V}`);
    assert.equal(final.body.value.length, before);
  });

  it('grants to a group and to the whole tenant', async () => {
    const path = `${BAP}/scopes/admin/environments/${IDS.itTools}/modifyRoleAssignments?${V}`;
    const group = await bap.post(path, addMaker(IDS.itTools, { id: IDS.ppAdmins, type: 'Group' }, 'EnvironmentAdmin'));
    assert.equal(group.status, 200);
    assert.equal(group.body.add[0].roleAssignment.properties.principal.type, 'Group');
    const tenant = await bap.post(path, addMaker(IDS.itTools, { email: '', type: 'Tenant', tenantId: IDS.tenant }));
    assert.equal(tenant.status, 200);
    assert.equal(tenant.body.add[0].roleAssignment.properties.principal.id, IDS.tenant);
  });

  it('refuses invalid modifyRoleAssignments bodies with 400', async () => {
    const path = `${BAP}/scopes/admin/environments/${IDS.contosoDev}/modifyRoleAssignments?${V}`;
    assert.equal((await bap.post(path, {})).status, 400);
    assert.equal((await bap.post(path, { add: 'x' })).status, 400);
    const role = await bap.post(path, addMaker(IDS.contosoDev, { id: IDS.johanna, type: 'User' }, 'Owner'));
    assert.equal(role.status, 400);
    const principal = await bap.post(path, addMaker(IDS.contosoDev, { id: IDS.johanna, type: 'Robot' }));
    assert.equal(principal.status, 400);
    const unknown = await bap.post(
      path,
      addMaker(IDS.contosoDev, { id: '00000000-0000-0000-0000-000000000001', type: 'User' }),
    );
    assert.equal(unknown.status, 400);
    const malformed = await bap.call('POST', path, '{not json', { 'content-type': 'application/json' });
    assert.equal(malformed.status, 400);
  });

  it('addUser creates the Dataverse system user (idempotent) in the root business unit without roles', async () => {
    const alex = sim.state.findUser('alexw@contoso.onmicrosoft.com')!;
    const path = `${BAP}/scopes/admin/environments/${IDS.financeProd}/addUser?api-version=2023-06-01`;
    const dv = new Client(sim, 'https://contosofin.crm.dynamics.com');
    const query = `/dataverse/contosofin/api/data/v9.2/systemusers?$filter=azureactivedirectoryobjectid eq ${alex.id}&$expand=systemuserroles_association($select=roleid,name)`;
    assert.equal((await dv.get(query)).body.value.length, 0);

    const res = await bap.post(path, { objectId: alex.id });
    assert.equal(res.status, 200);
    const found = await dv.get(query);
    assert.equal(found.body.value.length, 1);
    const su = found.body.value[0];
    assert.equal(su.domainname, alex.userPrincipalName);
    assert.equal(su._businessunitid_value, sim.state.findEnvironment(IDS.financeProd)!.dataverse!.rootBusinessUnitId);
    assert.deepEqual(su.systemuserroles_association, []);

    const again = await bap.post(`${BAP}/scopes/admin/environments/${IDS.financeProd}/addUser?api-version=2019-05-01`, {
      ObjectId: alex.id,
    });
    assert.equal(again.status, 200);
    assert.equal((await dv.get(query)).body.value.length, 1);
  });

  it('addUser: userNotLicensed, unknown user 404, environment without Dataverse 400', async () => {
    const path = `${BAP}/scopes/admin/environments/${IDS.financeProd}/addUser?api-version=2023-06-01`;
    const lidia = sim.state.findUser('lidiah@contoso.onmicrosoft.com')!;
    const unlicensed = await bap.post(path, { objectId: lidia.id });
    assert.ok(unlicensed.status === 400 || unlicensed.status === 403);
    assert.match(JSON.stringify(unlicensed.body.error), /userNotLicensed/);
    const unknown = await bap.post(path, { objectId: '00000000-0000-0000-0000-000000000001' });
    assert.equal(unknown.status, 404);
    const noDv = await bap.post(`${BAP}/scopes/admin/environments/${IDS.contosoDev}/addUser?api-version=2023-06-01`, {
      objectId: IDS.johanna,
    });
    assert.equal(noDv.status, 400);
    const missing = await bap.post(path, {});
    assert.equal(missing.status, 400);
  });
});
