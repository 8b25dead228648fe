import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/tenant/simulator/server.js';
import { Client, GRAPH_AUD, IDS, start } from './helpers.js';

const G = '/graph/v1.0';

describe('tenant simulator: Microsoft Graph', () => {
  let sim: RunningSimulator;
  let graph: Client;
  before(async () => {
    sim = await start();
    graph = new Client(sim, GRAPH_AUD);
  });
  after(() => sim.close());

  it('gets a user by id or UPN; $select returns licences and plans', async () => {
    const byId = await graph.get(`${G}/users/${IDS.megan}`);
    assert.equal(byId.status, 200);
    assert.equal(byId.body.userPrincipalName, 'meganb@contoso.onmicrosoft.com');
    assert.equal(byId.body.assignedPlans, undefined, 'not in the default property set');
    const sel =
      'id,userPrincipalName,mail,displayName,jobTitle,department,accountEnabled,assignedLicenses,assignedPlans';
    const byUpn = await graph.get(`${G}/users/${encodeURIComponent('meganb@contoso.onmicrosoft.com')}?$select=${sel}`);
    assert.equal(byUpn.status, 200);
    assert.equal(byUpn.body.id, IDS.megan);
    assert.equal(byUpn.body.accountEnabled, true);
    assert.equal(byUpn.body.department, 'IT');
    assert.ok(byUpn.body.assignedLicenses.every((l: { skuId: string }) => /^[0-9a-f-]{36}$/.test(l.skuId)));
    const plan = byUpn.body.assignedPlans.find((p: { service: string }) => p.service === 'PowerAppsService');
    assert.equal(plan.capabilityStatus, 'Enabled');
    assert.equal(plan.servicePlanId, 'c68f8d98-5534-41c8-bf36-22fa496fa792');
    assert.match(byUpn.body['@odata.context'], /\$metadata#users\/\$entity$/);
  });

  it('refuses an OData cast on transitiveMembers unless sent as an advanced query (ConsistencyLevel, $count)', async () => {
    const path = `${G}/groups/${IDS.ppAdmins}/transitiveMembers/microsoft.graph.user?$select=id`;
    const plain = await graph.get(path);
    assert.equal(plain.status, 400);
    assert.equal(plain.body.error.code, 'Request_UnsupportedQuery');
    assert.equal((await graph.call('GET', path, undefined, { ConsistencyLevel: 'eventual' })).status, 400);
    const advanced = await graph.call('GET', `${path}&$count=true`, undefined, { ConsistencyLevel: 'eventual' });
    assert.equal(advanced.status, 200);
    assert.ok(advanced.body.value.some((u: { id: string }) => u.id === IDS.megan));
    assert.equal(advanced.body['@odata.count'], advanced.body.value.length);
  });

  it('answers 404 Request_ResourceNotFound and 400 for unknown $select properties', async () => {
    const res = await graph.get(`${G}/users/nobody@contoso.onmicrosoft.com`);
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'Request_ResourceNotFound');
    assert.ok(res.body.error.innerError['request-id']);
    const bad = await graph.get(`${G}/users/${IDS.megan}?$select=shoeSize`);
    assert.equal(bad.status, 400);
  });

  it('finds users by mail and lists users with paging', async () => {
    const res = await graph.get(`${G}/users?$filter=mail eq 'JohannaL@contoso.onmicrosoft.com'&$select=id,mail`);
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.value.map((u: { id: string }) => u.id),
      [IDS.johanna],
    );
    const none = await graph.get(`${G}/users?$filter=mail eq 'ghost@contoso.onmicrosoft.com'`);
    assert.deepEqual(none.body.value, []);

    const page1 = await graph.get(`${G}/users?$select=id,assignedPlans&$top=15`);
    assert.equal(page1.body.value.length, 15);
    assert.ok(page1.body.value[0].assignedPlans);
    const next = page1.body['@odata.nextLink'];
    assert.ok(next.startsWith(`${sim.url}${G}/users?`));
    const page2 = await graph.get(next.slice(sim.url.length));
    assert.equal(page2.body.value.length, sim.state.users.length - 15);
    assert.equal(page2.body['@odata.nextLink'], undefined);
  });

  it('checkMemberGroups returns the matching group ids, transitively; more than 20 ids is a 400', async () => {
    const res = await graph.post(`${G}/users/${IDS.megan}/checkMemberGroups`, {
      groupIds: [IDS.ppAdmins, IDS.allEmployees, '00000000-0000-0000-0000-000000000001'],
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.value, [IDS.ppAdmins, IDS.allEmployees]);

    const lidia = sim.state.findUser('lidiah@contoso.onmicrosoft.com')!;
    const notAdmin = await graph.post(`${G}/users/${lidia.userPrincipalName}/checkMemberGroups`, {
      groupIds: [IDS.ppAdmins],
    });
    assert.deepEqual(notAdmin.body.value, []);

    // Nested membership counts: put the admins group inside a new group.
    sim.state.groups.push({
      id: '99999999-9999-4999-8999-999999999999',
      displayName: 'Outer',
      description: '',
      members: [IDS.ppAdmins],
    });
    const nested = await graph.post(`${G}/users/${IDS.megan}/checkMemberGroups`, {
      groupIds: ['99999999-9999-4999-8999-999999999999'],
    });
    assert.deepEqual(nested.body.value, ['99999999-9999-4999-8999-999999999999']);
    sim.state.groups.pop();

    const tooMany = await graph.post(`${G}/users/${IDS.megan}/checkMemberGroups`, {
      groupIds: Array.from({ length: 21 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`),
    });
    assert.equal(tooMany.status, 400);
    const badBody = await graph.post(`${G}/users/${IDS.megan}/checkMemberGroups`, { groupIds: 'x' });
    assert.equal(badBody.status, 400);
    const unknown = await graph.post(`${G}/users/00000000-0000-0000-0000-000000000001/checkMemberGroups`, {
      groupIds: [],
    });
    assert.equal(unknown.status, 404);
  });

  it('gets groups and their members', async () => {
    const group = await graph.get(`${G}/groups/${IDS.ppAdmins}`);
    assert.equal(group.status, 200);
    assert.equal(group.body.displayName, 'Power Platform Admins');
    assert.equal(group.body.securityEnabled, true);
    const members = await graph.get(`${G}/groups/${IDS.ppAdmins}/members?$select=id,displayName,mail`);
    assert.equal(members.status, 200);
    assert.equal(members.body.value.length, 3);
    assert.ok(members.body.value.every((m: { '@odata.type': string }) => m['@odata.type'] === '#microsoft.graph.user'));
    assert.ok(members.body.value.some((m: { id: string }) => m.id === IDS.megan));
    const missing = await graph.get(`${G}/groups/00000000-0000-0000-0000-000000000001/members`);
    assert.equal(missing.status, 404);
  });

  it('refuses licenseDetails to an application caller', async () => {
    const res = await graph.get(`${G}/users/${IDS.megan}/licenseDetails`);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'Authorization_RequestDenied');
  });
});
