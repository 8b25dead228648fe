import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/tenant/simulator/server.js';
import { BAP, Client, IDS, POWERAPPS_AUD, start } from './helpers.js';

const V = 'api-version=2023-06-01';

function createBody(overrides: Record<string, unknown> = {}, lem: Record<string, unknown> | null = {}) {
  const properties: Record<string, unknown> = {
    displayName: 'Contoso Research',
    description: 'R&D sandbox',
    environmentSku: 'Sandbox',
    azureRegion: 'northeurope',
    ...overrides,
  };
  if (lem) {
    properties['databaseType'] = 'CommonDataService';
    properties['linkedEnvironmentMetadata'] = {
      baseLanguage: 1033,
      currency: { code: 'EUR' },
      domainName: 'contosoresearch',
      templates: [],
      ...lem,
    };
  }
  return { location: 'europe', properties };
}

describe('tenant simulator: BAP environments', () => {
  let sim: RunningSimulator;
  let bap: Client;
  let now: Date;
  beforeEach(async () => {
    now = new Date('2026-11-20T10:00:00Z');
    sim = await start({ clock: () => now });
    bap = new Client(sim, POWERAPPS_AUD);
  });
  afterEach(() => sim.close());

  it('lists every environment in the BAP admin shape', async () => {
    const res = await bap.get(
      `${BAP}/scopes/admin/environments?api-version=2020-10-01&$expand=properties.capacity,properties.addons`,
    );
    assert.equal(res.status, 200);
    assert.equal(res.body.value.length, 12);
    const def = res.body.value.find((e: { name: string }) => e.name === IDS.defaultEnv);
    assert.equal(def.id, `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${IDS.defaultEnv}`);
    assert.equal(def.type, 'Microsoft.BusinessAppPlatform/scopes/environments');
    assert.equal(def.location, 'unitedstates');
    assert.equal(def.properties.isDefault, true);
    assert.equal(def.properties.environmentSku, 'Default');
    assert.equal(def.properties.linkedEnvironmentMetadata, undefined, 'no Dataverse, no linkedEnvironmentMetadata');
    assert.equal(def.properties.states.management.id, 'Ready');
    assert.equal(def.properties.tenantId, IDS.tenant);

    const hr = res.body.value.find((e: { name: string }) => e.name === IDS.hrProd);
    assert.equal(hr.properties.databaseType, 'CommonDataService');
    assert.equal(hr.properties.governanceConfiguration.protectionLevel, 'Standard', 'managed env');
    const lem = hr.properties.linkedEnvironmentMetadata;
    assert.equal(lem.domainName, 'contosohr');
    assert.equal(lem.instanceUrl, `${sim.url}/dataverse/contosohr/`);
    assert.equal(lem.instanceApiUrl, `${sim.url}/dataverse/contosohr`);
    assert.equal(lem.instanceState, 'Ready');
    assert.equal(lem.resourceId, sim.state.findEnvironment(IDS.hrProd)!.dataverse!.organizationId);
    assert.equal(hr.properties.createdBy.type, 'User');
  });

  it('pages the list with nextLink when $top is given', async () => {
    const first = await bap.get(`${BAP}/scopes/admin/environments?api-version=2020-10-01&$top=5`);
    assert.equal(first.body.value.length, 5);
    assert.ok(first.body.nextLink.startsWith(`${sim.url}${BAP}/scopes/admin/environments?`));
    const names = first.body.value.map((e: { name: string }) => e.name);
    let next: string | undefined = first.body.nextLink;
    while (next) {
      const page = await bap.get(next.slice(sim.url.length));
      names.push(...page.body.value.map((e: { name: string }) => e.name));
      next = page.body.nextLink;
    }
    assert.equal(new Set(names).size, 12);
  });

  it('gets one environment, answers 404 EnvironmentNotFound, and requires a known api-version', async () => {
    const one = await bap.get(`${BAP}/scopes/admin/environments/${IDS.contosoDev}?${V}&$expand=permissions`);
    assert.equal(one.status, 200);
    assert.equal(one.body.properties.displayName, 'Contoso Dev');
    const missing = await bap.get(`${BAP}/scopes/admin/environments/00000000-0000-0000-0000-000000000000?${V}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'EnvironmentNotFound');
    const noVersion = await bap.get(`${BAP}/scopes/admin/environments`);
    assert.equal(noVersion.status, 400);
    assert.equal(noVersion.body.error.code, 'MissingApiVersionParameter');
    const badVersion = await bap.get(`${BAP}/scopes/admin/environments?api-version=1999-01-01`);
    assert.equal(badVersion.status, 400);
    assert.equal(badVersion.body.error.code, 'InvalidApiVersionParameter');
  });

  it('serves locations, currencies and languages from the fixture', async () => {
    const locs = await bap.get(`${BAP}/locations?${V}`);
    assert.equal(locs.status, 200);
    const europe = locs.body.value.find((l: { name: string }) => l.name === 'europe');
    assert.deepEqual(europe.properties.azureRegions.length > 0, true);
    const cur = await bap.get(`${BAP}/locations/europe/environmentCurrencies?${V}`);
    assert.ok(cur.body.value.some((c: { name: string }) => c.name === 'EUR'));
    const lang = await bap.get(`${BAP}/locations/europe/environmentLanguages?${V}`);
    const en = lang.body.value.find((l: { name: string }) => l.name === '1033');
    assert.equal(en.properties.localeId, 1033);
    assert.equal((await bap.get(`${BAP}/locations/mars/environmentLanguages?${V}`)).status, 404);
  });

  it('validates a domain name: free → 200, taken → DomainNameAlreadyInUse, malformed → 400', async () => {
    const path = `${BAP}/validateEnvironmentDetails?api-version=2021-04-01`;
    assert.equal((await bap.post(path, { domainName: 'brandnew', environmentLocation: 'europe' })).status, 200);
    const taken = await bap.post(path, { domainName: 'contosohr', environmentLocation: 'europe' });
    assert.equal(taken.status, 400);
    assert.equal(taken.body.error.code, 'DomainNameAlreadyInUse');
    const bad = await bap.post(path, { domainName: '9-not-valid', environmentLocation: 'europe' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'InvalidDomainName');
  });

  it('creates an environment with Dataverse through a lifecycle operation, stage by stage', async () => {
    const res = await bap.post(`${BAP}/environments?${V}`, createBody());
    assert.equal(res.status, 202);
    const location = res.headers.get('location')!;
    assert.match(location, new RegExp(`^${sim.url}${BAP}/lifecycleOperations/[0-9a-f-]{36}\\?api-version=2023-06-01$`));
    assert.equal(res.headers.get('retry-after'), '0');

    // Listed while running, as the real list does, with its provisioning state; its org is not reachable yet.
    let list = await bap.get(`${BAP}/scopes/admin/environments?${V}`);
    assert.equal(list.body.value.length, 13);
    const creating = list.body.value.find(
      (e: { properties: { displayName: string } }) => e.properties.displayName === 'Contoso Research',
    );
    assert.equal(creating.properties.provisioningState, 'LinkedDatabaseProvisioning');
    assert.equal(creating.properties.states.management.id, 'NotReady');
    assert.equal(creating.properties.linkedEnvironmentMetadata.instanceState, 'NotReady');

    const opPath = location.slice(sim.url.length);
    const seen: string[] = [];
    let op = await bap.get(opPath);
    assert.equal(op.status, 200);
    assert.equal(op.body.type.id, 'Create');
    assert.deepEqual(
      op.body.stages.map((s: { id: string }) => s.id),
      ['Validate', 'Prepare', 'Run', 'Finalize'],
    );
    seen.push(op.body.state.id);
    assert.equal(op.body.state.id, 'Running');
    assert.equal(op.body.stages[0].state.id, 'Succeeded');
    assert.equal(op.headers.get('retry-after'), '0');
    op = await bap.get(opPath);
    seen.push(op.body.state.id);
    op = await bap.get(opPath);
    seen.push(op.body.state.id);
    assert.deepEqual(seen, ['Running', 'Running', 'Succeeded']);
    assert.ok(op.body.stages.every((s: { state: { id: string } }) => s.state.id === 'Succeeded'));

    const envId = op.body.links.environment.path.split('/').pop();
    list = await bap.get(`${BAP}/scopes/admin/environments?${V}`);
    assert.equal(list.body.value.length, 13);
    const env = await bap.get(`${BAP}/scopes/admin/environments/${envId}?${V}`);
    assert.equal(env.status, 200);
    assert.equal(env.body.properties.displayName, 'Contoso Research');
    assert.equal(env.body.properties.environmentSku, 'Sandbox');
    assert.equal(env.body.properties.azureRegion, 'northeurope');
    assert.equal(env.body.properties.createdTime, '2026-11-20T10:00:00.000Z');
    const lem = env.body.properties.linkedEnvironmentMetadata;
    assert.equal(lem.instanceState, 'Ready');
    assert.equal(lem.instanceApiUrl, `${sim.url}/dataverse/contosoresearch`);

    // The fresh org has a root BU, the standard roles and an application user for the caller, nothing for anyone else.
    const created = sim.state.findEnvironment(envId)!;
    assert.ok(created.dataverse);
    assert.ok(created.dataverse.roles.some((r) => r.name === 'Environment Maker'));
    assert.deepEqual(
      created.dataverse.systemusers.map((s) => Boolean(s.applicationid)),
      [true],
    );
    assert.equal(created.roleAssignments.length, 0);
    const dv = new Client(sim, 'https://contosoresearch.crm4.dynamics.com');
    const bu = await dv.get(
      '/dataverse/contosoresearch/api/data/v9.2/businessunits?$select=businessunitid,name&$filter=_parentbusinessunitid_value eq null',
    );
    assert.equal(bu.status, 200);
    assert.equal(bu.body.value.length, 1);
  });

  it('creates an environment without Dataverse (no linkedEnvironmentMetadata)', async () => {
    const res = await bap.post(
      `${BAP}/environments?${V}`,
      createBody({ displayName: 'No DB', environmentSku: 'Trial' }, null),
    );
    assert.equal(res.status, 202);
    const opPath = res.headers.get('location')!.slice(sim.url.length);
    let op = await bap.get(opPath);
    while (op.body.state.id === 'Running') op = await bap.get(opPath);
    assert.equal(op.body.state.id, 'Succeeded');
    const envId = op.body.links.environment.path.split('/').pop();
    const env = await bap.get(`${BAP}/scopes/admin/environments/${envId}?${V}`);
    assert.equal(env.body.properties.linkedEnvironmentMetadata, undefined);
    assert.equal(env.body.properties.environmentSku, 'Trial');
  });

  it('allows one lifecycle operation at a time: 409 OperationNotStartable', async () => {
    const first = await bap.post(`${BAP}/environments?${V}`, createBody());
    assert.equal(first.status, 202);
    const second = await bap.post(
      `${BAP}/environments?${V}`,
      createBody({ displayName: 'Other' }, { domainName: 'other' }),
    );
    assert.equal(second.status, 409);
    assert.equal(second.body.error.code, 'OperationNotStartable');
    // Once the first completes, the second can start.
    const opPath = first.headers.get('location')!.slice(sim.url.length);
    for (let i = 0; i < 3; i++) await bap.get(opPath);
    const third = await bap.post(
      `${BAP}/environments?${V}`,
      createBody({ displayName: 'Other' }, { domainName: 'other' }),
    );
    assert.equal(third.status, 202);
  });

  it('refuses taken domain names and display names, unknown locations and SKUs', async () => {
    const domain = await bap.post(`${BAP}/environments?${V}`, createBody({}, { domainName: 'contosofin' }));
    assert.equal(domain.status, 400);
    assert.equal(domain.body.error.code, 'DomainNameAlreadyInUse');
    const name = await bap.post(`${BAP}/environments?${V}`, createBody({ displayName: 'contoso dev' }));
    assert.equal(name.status, 400);
    assert.equal(name.body.error.code, 'EnvironmentDisplayNameAlreadyInUse');
    const sku = await bap.post(`${BAP}/environments?${V}`, createBody({ environmentSku: 'Default' }));
    assert.equal(sku.status, 400);
    assert.equal(sku.body.error.code, 'InvalidEnvironmentSku');
    const loc = await bap.post(`${BAP}/environments?${V}`, { ...createBody(), location: 'mars' });
    assert.equal(loc.body.error.code, 'InvalidLocation');
    const noName = await bap.post(`${BAP}/environments?${V}`, createBody({ displayName: '' }));
    assert.equal(noName.status, 400);
    const badDomain = await bap.post(`${BAP}/environments?${V}`, createBody({}, { domainName: 'Bad_Domain!' }));
    assert.equal(badDomain.body.error.code, 'InvalidDomainName');
    const currency = await bap.post(`${BAP}/environments?${V}`, createBody({}, { currency: { code: 'XXX' } }));
    assert.equal(currency.body.error.code, 'InvalidCurrency');
    const malformed = await bap.call('POST', `${BAP}/environments?${V}`, '{"location":', {
      'content-type': 'application/json',
    });
    assert.equal(malformed.status, 400);
    assert.equal(sim.state.operations.size, 0, 'nothing started');
  });

  it('finishes an operation on its own after lroSecondsToComplete, polled or not (simulator clock)', async () => {
    sim.state.lroSecondsToComplete = 30;
    const res = await bap.post(`${BAP}/environments?${V}`, createBody());
    assert.equal(res.status, 202);
    const envId = res.body.name;
    const read = async () => (await bap.get(`${BAP}/scopes/admin/environments/${envId}?${V}`)).body.properties;
    assert.equal((await read()).provisioningState, 'LinkedDatabaseProvisioning');
    now = new Date(now.getTime() + 29_000);
    assert.equal((await read()).provisioningState, 'LinkedDatabaseProvisioning');
    now = new Date(now.getTime() + 1_000);
    const done = await read();
    assert.equal(done.provisioningState, 'Succeeded');
    assert.equal(done.states.management.id, 'Ready');
    assert.equal(done.linkedEnvironmentMetadata.instanceState, 'Ready');
    const op = await bap.get(res.headers.get('location')!.slice(sim.url.length));
    assert.equal(op.body.state.id, 'Succeeded', 'nobody polled it');
    // The tenant is free again for the next creation.
    const next = await bap.post(
      `${BAP}/environments?${V}`,
      createBody({ displayName: 'Other' }, { domainName: 'other' }),
    );
    assert.equal(next.status, 202);
  });

  it('can end an operation Failed when a failure is injected', async () => {
    sim.state.nextOperationFailure = {
      code: 'InsufficientCapacity_StorageDriven',
      message: 'needs at least 1 GB of database capacity',
    };
    const res = await bap.post(`${BAP}/environments?${V}`, createBody());
    const opPath = res.headers.get('location')!.slice(sim.url.length);
    let op = await bap.get(opPath);
    while (op.body.state.id === 'Running') op = await bap.get(opPath);
    assert.equal(op.body.state.id, 'Failed');
    assert.equal(op.body.error.code, 'InsufficientCapacity_StorageDriven');
    assert.equal((await bap.get(`${BAP}/scopes/admin/environments?${V}`)).body.value.length, 12);
    assert.equal((await bap.get(`${BAP}/lifecycleOperations/00000000-0000-0000-0000-000000000000?${V}`)).status, 404);
  });
});
