import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, it } from 'mocha';
import { SimulatedLoginNetwork } from '../../../src/tenant/live/simulated-network.js';
import { extractPrivateKey, MsalTokenProvider } from '../../../src/tenant/live/token-provider.js';
import { startTestServer, type TestServer } from './test-server.js';

const TENANT = '5ee02f6f-a6ba-5275-b785-41bc607c001c';
const CLIENT = '00000000-0000-0000-0000-000000000001';

describe('MsalTokenProvider (real msal-node through the simulated-login network client)', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function loginServer() {
    let issued = 0;
    server = await startTestServer((req) => {
      if (req.method === 'POST' && req.url.split('?')[0] === `/login/${TENANT}/oauth2/v2.0/token`) {
        const form = new URLSearchParams(req.body);
        issued++;
        return {
          status: 200,
          body: {
            token_type: 'Bearer',
            expires_in: 3599,
            access_token: `token-${issued}-for-${form.get('scope')}-by-${form.get('client_id')}-${form.get('client_secret')}`,
          },
        };
      }
      return { status: 404, body: { error: 'not_found' } };
    });
    return server;
  }

  it('gets app-only tokens per scope from the local /login prefix and caches them', async () => {
    const s = await loginServer();
    const tokens = new MsalTokenProvider({
      tenantId: TENANT,
      clientId: CLIENT,
      credential: { kind: 'secret', secret: 'simulated-secret' },
      simulatedLoginUrl: `${s.url}/login`,
    });
    const a = await tokens.getToken('https://service.powerapps.com/.default');
    assert.equal(a, `token-1-for-https://service.powerapps.com/.default-by-${CLIENT}-simulated-secret`);
    const g = await tokens.getToken('https://graph.microsoft.com/.default');
    assert.match(g, /^token-2-for-https:\/\/graph\.microsoft\.com\/\.default/);
    assert.equal(await tokens.getToken('https://service.powerapps.com/.default'), a, 'cached');
    const [p1, p2] = await Promise.all([
      tokens.getToken('https://service.flow.microsoft.com/.default'),
      tokens.getToken('https://service.flow.microsoft.com/.default'),
    ]);
    assert.equal(p1, p2, 'concurrent requests share one acquisition');
    const tokenCalls = s.requests.filter((r) => r.url.split('?')[0]!.endsWith('/oauth2/v2.0/token'));
    assert.equal(tokenCalls.length, 3);
    assert.ok(
      s.requests.every((r) => r.url.startsWith(`/login/${TENANT}/`)),
      'no discovery calls leave for anything but the simulated login prefix',
    );

    tokens.invalidate('https://service.powerapps.com/.default');
    const fresh = await tokens.getToken('https://service.powerapps.com/.default');
    assert.notEqual(fresh, a, 'an invalidated token is not handed back by msal’s cache');
  });

  it('signs a client assertion with a certificate key instead of sending a secret', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    let form: URLSearchParams | undefined;
    server = await startTestServer((req) => {
      form = new URLSearchParams(req.body);
      return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, access_token: 'cert-token' } };
    });
    const tokens = new MsalTokenProvider({
      tenantId: TENANT,
      clientId: CLIENT,
      credential: { kind: 'certificate', thumbprint: 'AB:CD:'.repeat(10).slice(0, 59), privateKey: pem },
      simulatedLoginUrl: `${server.url}/login`,
    });
    assert.equal(await tokens.getToken('https://graph.microsoft.com/.default'), 'cert-token');
    assert.equal(form?.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    assert.equal(form?.get('client_assertion')?.split('.').length, 3);
    assert.equal(form?.get('client_secret'), null);
  });

  it('surfaces an authority error', async () => {
    server = await startTestServer(() => ({
      status: 401,
      body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' },
    }));
    const tokens = new MsalTokenProvider({
      tenantId: TENANT,
      clientId: CLIENT,
      credential: { kind: 'secret', secret: 'wrong' },
      simulatedLoginUrl: `${server.url}/login`,
    });
    await assert.rejects(tokens.getToken('https://graph.microsoft.com/.default'), /invalid_client|7000215/);
  });

  it('the simulated network refuses any host but the simulated authority', async () => {
    const net = new SimulatedLoginNetwork('http://127.0.0.1:1234/login');
    assert.equal(net.httpsLoginUrl, 'https://127.0.0.1:1234/login');
    await assert.rejects(
      net.sendGetRequestAsync('https://login.microsoftonline.com/common/discovery/instance'),
      /refuses/,
    );
  });

  it('extracts the private key block from a PEM holding certificate and key', () => {
    const pem = [
      '-----BEGIN CERTIFICATE-----',
      'MIIB',
      '-----END CERTIFICATE-----',
      '-----BEGIN PRIVATE KEY-----',
      'MIIE',
      '-----END PRIVATE KEY-----',
    ].join('\n');
    assert.equal(extractPrivateKey(pem), '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----');
    assert.throws(() => extractPrivateKey('nothing'), /no PEM private key/);
  });
});
