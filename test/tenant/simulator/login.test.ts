import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/tenant/simulator/server.js';
import { issueTestToken } from '../../../src/tenant/simulator/server.js';
import { anonymous, BAP, Client, FLOW_AUD, GRAPH_AUD, IDS, POWERAPPS_AUD, start } from './helpers.js';

function form(fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  };
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

describe('tenant simulator: login and token audiences', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await start();
  });
  after(() => sim.close());

  it('serves OpenID metadata pointing at its own /login', async () => {
    const res = await anonymous(sim, `/login/${IDS.tenant}/v2.0/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    assert.equal(res.body.token_endpoint, `${sim.url}/login/${IDS.tenant}/oauth2/v2.0/token`);
    assert.equal(res.body.issuer, `${sim.url}/login/${IDS.tenant}/v2.0`);
    assert.ok(res.body.authorization_endpoint.startsWith(`${sim.url}/login/`));
    assert.ok(res.body.jwks_uri);
    const discovery = await anonymous(sim, '/login/common/discovery/instance?api-version=1.1');
    assert.equal(discovery.status, 200);
    assert.match(discovery.body.tenant_discovery_endpoint, /openid-configuration$/);
  });

  it('issues a client-credentials token recording the audience of the scope', async () => {
    const res = await anonymous(
      sim,
      `/login/${IDS.tenant}/oauth2/v2.0/token`,
      form({
        client_id: 'a0a0a0a0-1111-2222-3333-444444444444',
        client_secret: 's3cret',
        scope: 'https://service.powerapps.com/.default',
        grant_type: 'client_credentials',
      }),
    );
    assert.equal(res.status, 200);
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(typeof res.body.expires_in, 'number');
    assert.equal(typeof res.body.ext_expires_in, 'number');
    const claims = claimsOf(res.body.access_token);
    assert.equal(claims['aud'], 'https://service.powerapps.com');
    assert.equal(claims['appid'], 'a0a0a0a0-1111-2222-3333-444444444444');
    assert.equal(claims['tid'], IDS.tenant);

    // The token is accepted by BAP.
    const envs = await fetch(`${sim.url}${BAP}/scopes/admin/environments?api-version=2020-10-01`, {
      headers: { authorization: `Bearer ${res.body.access_token}` },
    });
    assert.equal(envs.status, 200);
  });

  it('also accepts the tenant domain and a client assertion', async () => {
    const res = await anonymous(
      sim,
      '/login/contoso.onmicrosoft.com/oauth2/v2.0/token',
      form({
        client_id: 'a0a0a0a0-1111-2222-3333-444444444444',
        client_assertion: 'header.payload.signature',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        scope: 'https://graph.microsoft.com/.default',
        grant_type: 'client_credentials',
      }),
    );
    assert.equal(res.status, 200);
    assert.equal(claimsOf(res.body.access_token)['aud'], 'https://graph.microsoft.com');
  });

  it('refuses a wrong grant, missing credentials, a bad scope and an unknown tenant the AAD way', async () => {
    const base = { client_id: 'a0a0a0a0-1111-2222-3333-444444444444', scope: 'https://graph.microsoft.com/.default' };
    const path = `/login/${IDS.tenant}/oauth2/v2.0/token`;
    const grant = await anonymous(sim, path, form({ ...base, client_secret: 'x', grant_type: 'password' }));
    assert.equal(grant.status, 400);
    assert.equal(grant.body.error, 'unsupported_grant_type');
    assert.match(grant.body.error_description, /^AADSTS\d+/);

    const noSecret = await anonymous(sim, path, form({ ...base, grant_type: 'client_credentials' }));
    assert.equal(noSecret.status, 400);
    assert.equal(noSecret.body.error, 'invalid_client');

    const scope = await anonymous(
      sim,
      path,
      form({ ...base, client_secret: 'x', grant_type: 'client_credentials', scope: 'User.Read' }),
    );
    assert.equal(scope.status, 400);
    assert.equal(scope.body.error, 'invalid_scope');

    const tenant = await anonymous(
      sim,
      '/login/fabrikam.onmicrosoft.com/oauth2/v2.0/token',
      form({ ...base, client_secret: 'x', grant_type: 'client_credentials' }),
    );
    assert.equal(tenant.status, 400);
    assert.match(tenant.body.error_description, /AADSTS90002/);
  });

  it('answers 401 without a token, with a garbage token and with a token for the wrong audience', async () => {
    const path = `${BAP}/scopes/admin/environments?api-version=2020-10-01`;
    const none = await anonymous(sim, path);
    assert.equal(none.status, 401);
    assert.ok(none.body.error.code);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);

    const garbage = await anonymous(sim, path, { headers: { authorization: 'Bearer not-a-token' } });
    assert.equal(garbage.status, 401);

    const graphToken = await new Client(sim, GRAPH_AUD).get(path);
    assert.equal(graphToken.status, 401);
    assert.equal(graphToken.body.error.code, 'InvalidAuthenticationTokenAudience');

    const flowOnBap = await new Client(sim, FLOW_AUD).get(path);
    assert.equal(flowOnBap.status, 401);

    const graphNoToken = await anonymous(sim, `/graph/v1.0/users/${IDS.megan}`);
    assert.equal(graphNoToken.status, 401);
    assert.equal(graphNoToken.body.error.code, 'InvalidAuthenticationToken');

    const bapOnGraph = await new Client(sim, POWERAPPS_AUD).get(`/graph/v1.0/users/${IDS.megan}`);
    assert.equal(bapOnGraph.status, 401);
  });

  it('accepts both BAP audiences on BAP and PowerApps, and only the flow audience on Flow', async () => {
    for (const aud of [
      'https://service.powerapps.com',
      'https://api.bap.microsoft.com/',
      'https://service.powerapps.com/',
    ]) {
      const res = await new Client(sim, aud).get(`${BAP}/scopes/admin/environments?api-version=2020-10-01`);
      assert.equal(res.status, 200, aud);
      const apis = await new Client(sim, aud).get(
        '/powerapps/providers/Microsoft.PowerApps/apis?api-version=2019-05-01',
      );
      assert.equal(apis.status, 200, aud);
    }
    const flows = `/flow/providers/Microsoft.ProcessSimple/scopes/admin/environments/${IDS.contosoDev}/v2/flows?api-version=2016-11-01`;
    assert.equal((await new Client(sim, FLOW_AUD).get(flows)).status, 200);
    assert.equal((await new Client(sim, POWERAPPS_AUD).get(flows)).status, 401);
  });

  it('checks Dataverse tokens against the org real origin', async () => {
    const path = '/dataverse/contosohr/api/data/v9.2/roles?$select=name';
    // contosohr is in Europe: its real instance URL is https://contosohr.crm4.dynamics.com/.
    assert.equal((await new Client(sim, 'https://contosohr.crm4.dynamics.com').get(path)).status, 200);
    assert.equal((await new Client(sim, 'https://contosohr.crm.dynamics.com').get(path)).status, 200);
    assert.equal((await new Client(sim, 'https://contosofin.crm.dynamics.com').get(path)).status, 401);
    assert.equal((await new Client(sim, POWERAPPS_AUD).get(path)).status, 401);
  });

  it('refuses a token issued for another tenant', async () => {
    const token = issueTestToken(POWERAPPS_AUD, { tenantId: '11111111-2222-3333-4444-555555555555' });
    const res = await anonymous(sim, `${BAP}/scopes/admin/environments?api-version=2020-10-01`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 401);
  });
});
