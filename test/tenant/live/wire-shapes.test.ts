// The request bodies LiveTenantAdmin sends, checked against a scripted server (admin-api.md shapes).
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'mocha';
import { parseConfig } from '../../../src/config/config.js';
import { createTenantAdmin } from '../../../src/tenant/live/create-live-tenant-admin.js';
import type { DlpPolicy } from '../../../src/tenant/tenant-admin.js';
import { type SeenRequest, startTestServer, type TestServer } from './test-server.js';

const ENV = '7c4ff43f-9f0d-5892-9f4a-69dd7e3fbcb6';
const USER = '1205d490-732f-537a-acd3-a0aa663f609f';
const TENANT = '5ee02f6f-a6ba-5275-b785-41bc607c001c';

const fakeTokens = { getToken: async (scope: string) => `t:${scope}` };

describe('LiveTenantAdmin wire shapes', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function adminWith(
    handler: (req: SeenRequest) => { status: number; body?: unknown; headers?: Record<string, string> },
  ) {
    server = await startTestServer(handler);
    const config = parseConfig({ TENANT_MODE: 'simulated' });
    return createTenantAdmin(config, { simulatorUrl: server.url, tokenProvider: fakeTokens, sleep: async () => {} });
  }

  it('updates a DLP policy with every raw field kept, the etag in the body and in If-Match', async () => {
    const wire = {
      policyDefinition: {
        name: 'p1',
        displayName: 'Tenant baseline',
        defaultConnectorsClassification: 'General',
        environmentType: 'ExceptEnvironments',
        environments: [
          { id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${ENV}`, name: ENV, type: 'x' },
        ],
        connectorGroups: [
          { classification: 'Confidential', connectors: [] },
          { classification: 'General', connectors: [] },
          {
            classification: 'Blocked',
            connectors: [
              {
                id: '/providers/Microsoft.PowerApps/apis/shared_dropbox',
                name: 'Dropbox',
                type: 'Microsoft.PowerApps/apis',
              },
            ],
          },
        ],
        etag: 'etag-1',
        isLegacySchemaVersion: false,
      },
      connectorConfigurationsDefinition: { connectorActionConfigurations: [{ connectorId: 'c', actionRules: [] }] },
      customConnectorUrlPatternsDefinition: { rules: [{ order: 1, pattern: '*' }] },
    };
    const admin = await adminWith((req) => {
      if (req.method === 'GET') return { status: 200, body: wire };
      const sent = JSON.parse(req.body);
      return { status: 200, body: { ...sent, policyDefinition: { ...sent.policyDefinition, etag: 'etag-2' } } };
    });
    const policy = (await admin.getDlpPolicy('p1')) as DlpPolicy;
    assert.deepEqual(policy.environments, [ENV]);
    const blocked = policy.connectorGroups.find((g) => g.classification === 'Blocked')!;
    const general = policy.connectorGroups.find((g) => g.classification === 'General')!;
    general.connectors.push(...blocked.connectors);
    blocked.connectors = [];
    policy.environments.push('e2');
    const updated = await admin.updateDlpPolicy(policy);
    assert.equal(updated.etag, 'etag-2');

    const patch = server!.requests.find((r) => r.method === 'PATCH')!;
    assert.equal(patch.url, '/bap/providers/PowerPlatform.Governance/v2/policies/p1', 'v2, no api-version');
    assert.equal(patch.headers['if-match'], 'etag-1');
    const body = JSON.parse(patch.body);
    assert.equal(body.policyDefinition.etag, 'etag-1');
    assert.equal(body.policyDefinition.isLegacySchemaVersion, false);
    assert.deepEqual(body.connectorConfigurationsDefinition, wire.connectorConfigurationsDefinition);
    assert.deepEqual(body.customConnectorUrlPatternsDefinition, wire.customConnectorUrlPatternsDefinition);
    assert.deepEqual(
      body.policyDefinition.environments[0],
      wire.policyDefinition.environments[0],
      'known entry kept as is',
    );
    assert.deepEqual(body.policyDefinition.environments[1], {
      id: '/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/e2',
      name: 'e2',
      type: 'Microsoft.BusinessAppPlatform/scopes/environments',
    });
    assert.deepEqual(body.policyDefinition.connectorGroups[2], { classification: 'Blocked', connectors: [] });
  });

  it('creates a Developer environment without Dataverse: usedBy, no linkedEnvironmentMetadata; 202 → Location', async () => {
    const admin = await adminWith((req) => ({
      status: 202,
      headers: {
        location: `http://${req.headers.host}/bap/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/op1?api-version=2023-06-01`,
        'retry-after': '5',
      },
    }));
    const start = await admin.startEnvironmentCreation(
      {
        type: 'new-environment',
        displayName: 'Alex dev',
        sku: 'Developer',
        location: 'europe',
        azureRegion: 'westeurope',
      },
      USER,
    );
    assert.equal(start.kind, 'accepted');
    assert.equal(start.kind === 'accepted' && start.retryAfterSeconds, 5);
    const post = server!.requests[0]!;
    assert.equal(post.url, '/bap/providers/Microsoft.BusinessAppPlatform/environments?api-version=2023-06-01');
    assert.deepEqual(JSON.parse(post.body), {
      location: 'europe',
      properties: {
        displayName: 'Alex dev',
        environmentSku: 'Developer',
        azureRegion: 'westeurope',
        usedBy: { id: USER, type: '1', tenantId: TENANT },
      },
    });
  });

  it('creates a Sandbox with Dataverse: databaseType and linkedEnvironmentMetadata; 201 → id', async () => {
    const admin = await adminWith(() => ({
      status: 201,
      body: { name: 'new-env', properties: { provisioningState: 'Succeeded' } },
    }));
    const start = await admin.startEnvironmentCreation(
      {
        type: 'new-environment',
        displayName: 'Finance UAT',
        sku: 'Sandbox',
        location: 'unitedstates',
        dataverse: { domainName: 'finuat', currency: 'USD', languageLcid: 1033, securityGroupId: 'g1' },
      },
      USER,
    );
    assert.deepEqual(start, { kind: 'created', environmentId: 'new-env' });
    const body = JSON.parse(server!.requests[0]!.body);
    assert.equal(body.properties.databaseType, 'CommonDataService');
    assert.deepEqual(body.properties.linkedEnvironmentMetadata, {
      baseLanguage: 1033,
      currency: { code: 'USD' },
      domainName: 'finuat',
      securityGroupId: 'g1',
      templates: [],
    });
    assert.equal(body.properties.usedBy, undefined);
  });

  it('grants a BAP role with modifyRoleAssignments 2021-04-01 (User principal, id and email)', async () => {
    const admin = await adminWith((req) => {
      if (req.method === 'GET') return { status: 200, body: { value: [] } };
      return {
        status: 200,
        body: { add: [{ httpStatus: 'Created', roleAssignment: { id: 'a', name: 'a', properties: {} } }] },
      };
    });
    await admin.grantEnvironmentRole(
      {
        id: ENV,
        displayName: 'Contoso Dev',
        sku: 'Sandbox',
        location: 'unitedstates',
        hasDataverse: false,
        isDefault: false,
      },
      {
        id: USER,
        userPrincipalName: 'alexw@contoso.onmicrosoft.com',
        mail: 'alexw@contoso.onmicrosoft.com',
        displayName: 'Alex',
        accountEnabled: true,
        plans: [],
        hasPowerAppsLicense: true,
      },
      'EnvironmentMaker',
    );
    const [list, post] = server!.requests;
    assert.equal(
      list!.url,
      `/bap/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${ENV}/roleAssignments?api-version=2021-04-01`,
    );
    assert.equal(
      post!.url,
      `/bap/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${ENV}/modifyRoleAssignments?api-version=2021-04-01`,
    );
    assert.deepEqual(JSON.parse(post!.body), {
      add: [
        {
          properties: {
            roleDefinition: {
              id: `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${ENV}/roleDefinitions/EnvironmentMaker`,
            },
            principal: { id: USER, type: 'User', email: 'alexw@contoso.onmicrosoft.com', tenantId: TENANT },
          },
        },
      ],
    });
  });

  it('adds an absent Dataverse user through BAP addUser, re-queries, then associates the root-BU role', async () => {
    let synced = false;
    let lookups = 0;
    const admin = await adminWith((req) => {
      const path = decodeURIComponent(req.url);
      if (path.includes('/addUser')) {
        synced = true;
        return { status: 200, body: {} };
      }
      if (path.includes('/systemusers?')) {
        lookups++;
        // The row appears one read after addUser.
        const visible = synced && lookups >= 3;
        return {
          status: 200,
          body: {
            value: visible
              ? [{ systemuserid: 'aaaaaaaa-0000-0000-0000-000000000001', systemuserroles_association: [] }]
              : [],
          },
        };
      }
      if (path.includes('/businessunits?'))
        return { status: 200, body: { value: [{ businessunitid: 'bbbbbbbb-0000-0000-0000-000000000001' }] } };
      if (path.includes('/roles?'))
        return {
          status: 200,
          body: { value: [{ roleid: 'cccccccc-0000-0000-0000-000000000001', name: 'Environment Maker' }] },
        };
      if (path.includes('/$ref')) return { status: 204 };
      return { status: 404, body: { error: { code: 'NotFound', message: path } } };
    });
    const org = `${server!.url}/dataverse/contosotest`;
    await admin.grantEnvironmentRole(
      {
        id: ENV,
        displayName: 'Contoso Test',
        sku: 'Sandbox',
        location: 'unitedstates',
        hasDataverse: true,
        isDefault: false,
        instanceApiUrl: org,
      },
      {
        id: USER,
        userPrincipalName: 'alexw@x',
        displayName: 'Alex',
        accountEnabled: true,
        plans: [],
        hasPowerAppsLicense: true,
      },
      'EnvironmentMaker',
    );
    const seen = server!.requests.map((r) => `${r.method} ${decodeURIComponent(r.url)}`);
    const api = '/dataverse/contosotest/api/data/v9.2';
    assert.deepEqual(seen, [
      `GET ${api}/systemusers?$filter=azureactivedirectoryobjectid eq ${USER}&$expand=systemuserroles_association($select=roleid,name,ismanaged,_businessunitid_value)`,
      `POST /bap/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${ENV}/addUser?api-version=2023-06-01`,
      `GET ${api}/systemusers?$filter=azureactivedirectoryobjectid eq ${USER}&$expand=systemuserroles_association($select=roleid,name,ismanaged,_businessunitid_value)`,
      `GET ${api}/systemusers?$filter=azureactivedirectoryobjectid eq ${USER}&$expand=systemuserroles_association($select=roleid,name,ismanaged,_businessunitid_value)`,
      `GET ${api}/businessunits?$select=businessunitid,name&$filter=_parentbusinessunitid_value eq null`,
      `GET ${api}/roles?$select=roleid,name&$filter=name eq 'Environment Maker' and _businessunitid_value eq bbbbbbbb-0000-0000-0000-000000000001`,
      `POST ${api}/systemusers(aaaaaaaa-0000-0000-0000-000000000001)/systemuserroles_association/$ref`,
    ]);
    assert.deepEqual(JSON.parse(server!.requests[1]!.body), { objectId: USER });
    assert.deepEqual(JSON.parse(server!.requests[6]!.body), {
      '@odata.id': `${org}/api/data/v9.2/roles(cccccccc-0000-0000-0000-000000000001)`,
    });
    assert.equal(server!.requests[0]!.headers.authorization, 'Bearer t:https://contosotest.crm.dynamics.com/.default');
    assert.equal(server!.requests[0]!.headers['odata-version'], '4.0');
  });
});
