import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/tenant/simulator/server.js';
import { Client, IDS, start } from './helpers.js';

const API = '/dataverse/contosotest/api/data/v9.2';

describe('tenant simulator: Dataverse Web API', () => {
  let sim: RunningSimulator;
  let dv: Client;
  beforeEach(async () => {
    sim = await start();
    dv = new Client(sim, 'https://contosotest.crm.dynamics.com');
  });
  afterEach(() => sim.close());

  it('finds a system user by Entra object id, with $select and expanded roles', async () => {
    const res = await dv.get(
      `${API}/systemusers?$select=systemuserid,domainname&$filter=azureactivedirectoryobjectid eq ${IDS.johanna}&$expand=systemuserroles_association($select=roleid,name,ismanaged,_businessunitid_value)`,
    );
    assert.equal(res.status, 200);
    assert.match(res.body['@odata.context'], new RegExp(`^${sim.url}${API}/\\$metadata#systemusers`));
    assert.equal(res.body.value.length, 1);
    const su = res.body.value[0];
    assert.equal(su.domainname, 'johannal@contoso.onmicrosoft.com');
    assert.equal(su.fullname, undefined, 'not selected');
    assert.deepEqual(
      su.systemuserroles_association.map((r: { name: string }) => r.name),
      ['Basic User'],
    );
    assert.ok(su.systemuserroles_association[0].roleid);
    // Quoted GUIDs and systemuserid filters work too.
    const quoted = await dv.get(`${API}/systemusers?$filter=systemuserid eq '${su.systemuserid}'`);
    assert.equal(quoted.body.value[0].azureactivedirectoryobjectid, IDS.johanna);
    const one = await dv.get(`${API}/systemusers(${su.systemuserid})?$select=fullname`);
    assert.equal(one.status, 200);
    assert.equal(one.body.fullname, 'Johanna Lorenz');
    assert.equal(one.body.systemuserid, su.systemuserid);
  });

  it('finds the root business unit and the Environment Maker role in it', async () => {
    const bu = await dv.get(
      `${API}/businessunits?$select=businessunitid,name&$filter=_parentbusinessunitid_value eq null`,
    );
    assert.equal(bu.status, 200);
    assert.equal(bu.body.value.length, 1);
    const root = bu.body.value[0].businessunitid;
    const roles = await dv.get(
      `${API}/roles?$select=roleid,name&$filter=name eq 'Environment Maker' and _businessunitid_value eq ${root}`,
    );
    assert.equal(roles.status, 200);
    assert.equal(roles.body.value.length, 1);
    assert.equal(roles.body.value[0].name, 'Environment Maker');
    assert.deepEqual(Object.keys(roles.body.value[0]).sort(), ['@odata.etag', 'name', 'roleid']);
    const all = await dv.get(`${API}/roles`);
    assert.equal(all.body.value.length, 4);
  });

  it('associates and disassociates a role; the change is visible through a later GET', async () => {
    const role = (await dv.get(`${API}/roles?$filter=name eq 'Environment Maker'`)).body.value[0];
    const su = (await dv.get(`${API}/systemusers?$filter=azureactivedirectoryobjectid eq ${IDS.johanna}`)).body
      .value[0];
    const roleRef = `${sim.url}${API}/roles(${role.roleid})`;
    const add = await dv.post(`${API}/systemusers(${su.systemuserid})/systemuserroles_association/$ref`, {
      '@odata.id': roleRef,
    });
    assert.equal(add.status, 204);
    const withRole = await dv.get(
      `${API}/systemusers(${su.systemuserid})?$expand=systemuserroles_association($select=name)`,
    );
    assert.deepEqual(withRole.body.systemuserroles_association.map((r: { name: string }) => r.name).sort(), [
      'Basic User',
      'Environment Maker',
    ]);
    const del = await dv.call(
      'DELETE',
      `${API}/systemusers(${su.systemuserid})/systemuserroles_association/$ref?$id=${encodeURIComponent(roleRef)}`,
    );
    assert.equal(del.status, 204);
    // As the real Web API, an expanded collection may come from its cache until asked with If-None-Match: null.
    const cached = await dv.get(
      `${API}/systemusers(${su.systemuserid})?$expand=systemuserroles_association($select=name)`,
    );
    assert.deepEqual(cached.body.systemuserroles_association.map((r: { name: string }) => r.name).sort(), [
      'Basic User',
      'Environment Maker',
    ]);
    const without = await dv.call(
      'GET',
      `${API}/systemusers(${su.systemuserid})?$expand=systemuserroles_association($select=name)`,
      undefined,
      { 'If-None-Match': 'null' },
    );
    assert.deepEqual(
      without.body.systemuserroles_association.map((r: { name: string }) => r.name),
      ['Basic User'],
    );
  });

  it('answers Dataverse-shaped errors', async () => {
    const su = (await dv.get(`${API}/systemusers?$filter=azureactivedirectoryobjectid eq ${IDS.johanna}`)).body
      .value[0];
    const badRole = await dv.post(`${API}/systemusers(${su.systemuserid})/systemuserroles_association/$ref`, {
      '@odata.id': `${sim.url}${API}/roles(00000000-0000-0000-0000-000000000009)`,
    });
    assert.ok(badRole.status === 400 || badRole.status === 404);
    assert.equal(badRole.body.error.code, '0x80060888');
    assert.match(badRole.body.error.message, /00000000-0000-0000-0000-000000000009/);

    const noUser = await dv.get(`${API}/systemusers(00000000-0000-0000-0000-000000000009)`);
    assert.equal(noUser.status, 404);
    assert.match(noUser.body.error.code, /^0x/);

    const badProp = await dv.get(`${API}/systemusers?$filter=nosuchfield eq 1`);
    assert.equal(badProp.status, 400);
    assert.equal(badProp.body.error.code, '0x80060888');

    const badBody = await dv.post(`${API}/systemusers(${su.systemuserid})/systemuserroles_association/$ref`, {
      foo: 1,
    });
    assert.equal(badBody.status, 400);
    assert.match(badBody.body.error.code, /^0x/);

    const segment = await dv.get(`${API}/accounts`);
    assert.equal(segment.status, 404);
    assert.equal(segment.body.error.code, '0x8006088a');

    const unknownOrg = await new Client(sim, 'https://nope.crm.dynamics.com').get(
      '/dataverse/nope/api/data/v9.2/roles',
    );
    assert.equal(unknownOrg.status, 404);
  });

  it('requires membership of the org when enforceDataverseMembership is on', async () => {
    sim.state.enforceDataverseMembership = true;
    const res = await dv.get(`${API}/roles`);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, '0x80072560');
  });
});
