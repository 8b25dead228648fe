import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, it } from 'mocha';
import { projectRoot } from '../../../src/project-root.js';
import type { ApiCall } from '../../../src/requests/model.js';
import { recordApiCalls, recordApiCallsInto } from '../../../src/tenant/live/api-call-log.js';
import {
  HttpClient,
  type HttpClientOptions,
  parseRetryAfter,
  sanitizeUrl,
  withQuery,
} from '../../../src/tenant/live/http-client.js';
import { POWERAPPS_SCOPE, ScopeResolver, UnknownApiHostError } from '../../../src/tenant/live/scopes.js';
import type { TokenProvider } from '../../../src/tenant/live/token-provider.js';
import { AdminApiError } from '../../../src/tenant/tenant-admin.js';
import { type Handler, scripted, startTestServer, type TestServer } from './test-server.js';

const SECRET_TOKEN = 'tok-SECRET-value-never-logged';

class FakeTokens implements TokenProvider {
  readonly scopes: string[] = [];
  invalidated: string[] = [];
  generation = 0;
  async getToken(scope: string): Promise<string> {
    this.scopes.push(scope);
    return `${SECRET_TOKEN}-${this.generation}`;
  }
  invalidate(scope: string): void {
    this.invalidated.push(scope);
    this.generation++;
  }
}

describe('live HttpClient', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function setup(handler: Handler, overrides: Partial<HttpClientOptions> = {}) {
    server = await startTestServer(handler);
    const tokens = new FakeTokens();
    const sleeps: number[] = [];
    const calls: ApiCall[] = [];
    const http = new HttpClient({
      tokens,
      scopeFor: () => POWERAPPS_SCOPE,
      maxRetries: 3,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      onApiCall: (c) => calls.push(c),
      random: () => 0,
      ...overrides,
    });
    return { http, tokens, sleeps, calls, url: server.url, requests: server.requests };
  }

  it('a finished call leaves no timeout timer behind (it would hold what fetch hung on the signal)', async () => {
    // AbortSignal.timeout(100 s) left a timer per call for 100 s: a busy bot's RSS kept growing (bench:turns).
    const TIMEOUT_MS = 98_765; // a delay no other timer in this test uses
    const pending = new Set<number>();
    const hook = createHook({
      init(id, type, _trigger, resource) {
        if (type === 'Timeout' && (resource as { _idleTimeout?: number })._idleTimeout === TIMEOUT_MS) pending.add(id);
      },
      destroy(id) {
        pending.delete(id);
      },
    });
    const t = await setup(() => ({ status: 200, body: { ok: true } }), { timeoutMs: TIMEOUT_MS });
    hook.enable();
    try {
      for (let i = 0; i < 5; i++) await t.http.get(`${t.url}/x`);
      await new Promise((r) => setImmediate(r));
    } finally {
      hook.disable();
    }
    assert.equal(pending.size, 0, `${pending.size} timeout timers still pending after the calls ended`);
  });

  it('a call that outlasts timeoutMs fails as a Timeout', async () => {
    const t = await setup(() => ({ status: 200 }), {
      timeoutMs: 30,
      maxRetries: 0,
      fetch: (_input, init) =>
        new Promise<Response>((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        ),
    });
    await assert.rejects(t.http.get(`${t.url}/x`), (e: unknown) => e instanceof AdminApiError && e.code === 'Timeout');
  });

  it('retries a 429 after the Retry-After the server asked for (0 = no wait)', async () => {
    const t = await setup(
      scripted(
        {
          status: 429,
          body: { error: { code: 'TooManyRequests', message: 'slow down' } },
          headers: { 'retry-after': '0' },
        },
        {
          status: 429,
          body: { error: { code: 'TooManyRequests', message: 'slow down' } },
          headers: { 'retry-after': '7' },
        },
        { status: 200, body: { ok: true } },
      ),
    );
    const body = await t.http.get<{ ok: boolean }>(`${t.url}/x`);
    assert.deepEqual(body, { ok: true });
    assert.equal(t.requests.length, 3);
    assert.deepEqual(t.sleeps, [0, 7000]);
  });

  it('bounds a Retry-After wait and reads HTTP dates', async () => {
    const t = await setup(
      scripted(
        { status: 503, headers: { 'retry-after': '3600' } },
        { status: 503, headers: { 'retry-after': new Date(Date.now() + 2_000).toUTCString() } },
        { status: 200, body: {} },
      ),
    );
    await t.http.get(`${t.url}/x`);
    assert.equal(t.sleeps[0], 60_000);
    assert.ok(t.sleeps[1]! > 0 && t.sleeps[1]! <= 2_000, `date wait ${t.sleeps[1]}`);
  });

  it('backs off exponentially with jitter on 503 without Retry-After, then gives up after maxRetries', async () => {
    const t = await setup(scripted({ status: 503, body: { error: { code: 'ServiceUnavailable', message: 'busy' } } }), {
      maxRetries: 2,
      baseDelayMs: 100,
      random: () => 0.5,
    });
    await assert.rejects(t.http.get(`${t.url}/x`), (e: unknown) => {
      assert.ok(e instanceof AdminApiError);
      assert.equal(e.status, 503);
      assert.equal(e.code, 'ServiceUnavailable');
      assert.equal(e.method, 'GET');
      return true;
    });
    assert.equal(t.requests.length, 3, 'one attempt plus two retries');
    assert.deepEqual(t.sleeps, [75, 150]);
  });

  it('maps the error shape and does not retry a 4xx', async () => {
    const t = await setup(scripted({ status: 400, body: { error: { code: 'InvalidRequest', message: 'bad field' } } }));
    await assert.rejects(t.http.get(`${t.url}/x`), {
      name: 'AdminApiError',
      status: 400,
      code: 'InvalidRequest',
      message: 'bad field',
    });
    assert.equal(t.requests.length, 1);
  });

  it('maps a non-JSON error body to HTTP_<status>', async () => {
    const t = await setup(scripted({ status: 502, body: 'Bad gateway' }), { maxRetries: 0 });
    await assert.rejects(t.http.get(`${t.url}/x`), { status: 502, code: 'HTTP_502', message: 'Bad gateway' });
  });

  it('retries 409 OperationNotStartable only when told', async () => {
    const conflict = { status: 409, body: { error: { code: 'OperationNotStartable', message: 'busy' } } };
    const t = await setup(scripted(conflict, { status: 202, body: {} }));
    await assert.rejects(t.http.request('POST', `${t.url}/create`, { body: {} }), { status: 409 });
    assert.equal(t.requests.length, 1);
    const ok = await t.http.request('POST', `${t.url}/create`, { body: {}, retryOnConflict: true });
    assert.equal(ok.status, 202);
  });

  it('does not re-send a non-idempotent write after a 500, but does after a 429', async () => {
    const t = await setup(
      scripted({ status: 500, body: {} }, { status: 429, headers: { 'retry-after': '0' } }, { status: 201, body: {} }),
    );
    await assert.rejects(t.http.request('POST', `${t.url}/p`, { body: {}, idempotent: false }), { status: 500 });
    const second = await t.http.request('POST', `${t.url}/p`, { body: {}, idempotent: false });
    assert.equal(second.status, 201);
  });

  it('sends JSON with a bearer token and refreshes the token once after a 401', async () => {
    const t = await setup(
      scripted(
        { status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'expired' } } },
        { status: 200, body: { ok: 1 } },
      ),
    );
    await t.http.request('PATCH', `${t.url}/p`, { body: { a: 1 }, headers: { 'if-match': 'etag-1' } });
    assert.equal(t.requests[0]!.headers.authorization, `Bearer ${SECRET_TOKEN}-0`);
    assert.equal(t.requests[1]!.headers.authorization, `Bearer ${SECRET_TOKEN}-1`);
    assert.equal(t.requests[1]!.headers['content-type'], 'application/json');
    assert.equal(t.requests[1]!.headers['if-match'], 'etag-1');
    assert.equal(t.requests[1]!.body, '{"a":1}');
    assert.deepEqual(t.tokens.invalidated, [POWERAPPS_SCOPE]);
  });

  it('follows nextLink and @odata.nextLink', async () => {
    const t = await setup((req) => {
      const base = `http://${req.headers.host}`;
      if (req.url.startsWith('/items?api-version=1'))
        return { status: 200, body: { value: [1, 2], nextLink: `${base}/items/page2?skiptoken=a` } };
      if (req.url.startsWith('/items/page2'))
        return { status: 200, body: { value: [3], '@odata.nextLink': `${base}/items/page3` } };
      if (req.url === '/items/page3') return { status: 200, body: { value: [4] } };
      return { status: 404, body: {} };
    });
    const items = await t.http.list<number>(`${t.url}/items`, { query: { 'api-version': '1' } });
    assert.deepEqual(items, [1, 2, 3, 4]);
    assert.equal(t.requests.length, 3);
  });

  it('answers 404 as undefined from getOptional', async () => {
    const t = await setup(scripted({ status: 404, body: { error: { code: 'NotFound', message: 'no' } } }));
    assert.equal(await t.http.getOptional(`${t.url}/x`), undefined);
  });

  it('reports every attempt, with its status, to onApiCall and to the async context — never the token', async () => {
    const t = await setup(scripted({ status: 503, headers: { 'retry-after': '0' } }, { status: 200, body: { ok: 1 } }));
    const { calls } = await recordApiCalls(() => t.http.get(`${t.url}/a/b?api-version=2020-10-01&sig=SECRETSIG`));
    assert.deepEqual(
      calls.map((c) => [c.method, c.status]),
      [
        ['GET', 503],
        ['GET', 200],
      ],
    );
    assert.equal(calls[0]!.url, `${t.url}/a/b?api-version=2020-10-01`);
    assert.deepEqual(
      t.calls.map((c) => c.status),
      [503, 200],
    );
    for (const c of [...calls, ...t.calls]) {
      assert.ok(typeof c.durationMs === 'number' && !Number.isNaN(Date.parse(c.at)));
      assert.ok(!JSON.stringify(c).includes(SECRET_TOKEN));
      assert.ok(!JSON.stringify(c).includes('SECRETSIG'));
    }
  });

  it('keeps recorded calls when the work fails, and nests recorders', async () => {
    const t = await setup(scripted({ status: 403, body: { error: { code: 'Forbidden', message: 'no' } } }));
    const outer: ApiCall[] = [];
    const inner: ApiCall[] = [];
    await assert.rejects(recordApiCallsInto(outer, () => recordApiCallsInto(inner, () => t.http.get(`${t.url}/x`))));
    assert.deepEqual(
      inner.map((c) => c.status),
      [403],
    );
    assert.deepEqual(
      outer.map((c) => c.status),
      [403],
    );
  });

  it('leaves no promise hook behind once the last recording ends (one doubled the cost of every await)', () => {
    // In a process of its own: any other test's hook left on would make the probe read true.
    const probe = `
      import { executionAsyncId } from 'node:async_hooks';
      import { recordApiCallsInto, reportApiCall } from './src/tenant/live/api-call-log.ts';
      // With a promise hook on, an await's continuation runs in the promise's own async context.
      const hooked = async () => { await null; return executionAsyncId() !== 0; };
      const call = (url) => ({ at: '', method: 'GET', url, status: 200 });
      const first = [], second = [], again = [];
      let whileRecording = false;
      await Promise.all([
        recordApiCallsInto(first, async () => { await null; await null; reportApiCall(call('/one')); whileRecording = await hooked(); }),
        recordApiCallsInto(second, async () => reportApiCall(call('/two'))),
      ]);
      const after = await hooked();
      await recordApiCallsInto(again, async () => reportApiCall(call('/three')));
      console.log(JSON.stringify({ whileRecording, after, urls: [first, second, again].map((c) => c.map((x) => x.url)) }));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
      cwd: projectRoot(),
      encoding: 'utf8',
    });
    assert.deepEqual(JSON.parse(out), {
      whileRecording: true,
      after: false,
      urls: [['/one'], ['/two'], ['/three']],
    });
  });

  it('records a network failure as status 0 and retries it', async () => {
    const t = await setup(scripted({ status: 200, body: {} }), { maxRetries: 1 });
    const dead = 'http://127.0.0.1:1/nothing';
    await assert.rejects(t.http.get(dead), { name: 'AdminApiError', status: 0, code: 'NetworkError' });
    assert.deepEqual(
      t.calls.map((c) => c.status),
      [0, 0],
    );
  });
});

describe('live ScopeResolver', () => {
  const scopes = new ScopeResolver({
    bap: 'http://127.0.0.1:9/bap',
    powerapps: 'http://127.0.0.1:9/powerapps',
    flow: 'http://127.0.0.1:9/flow',
    graph: 'http://127.0.0.1:9/graph',
  });
  scopes.registerDataverse('http://127.0.0.1:9/dataverse/contosohr', 'https://contosohr.crm4.dynamics.com/');

  it('maps base URLs and real hosts to their audiences', () => {
    assert.equal(scopes.scopeFor('http://127.0.0.1:9/bap/providers/x'), 'https://service.powerapps.com/.default');
    assert.equal(scopes.scopeFor('http://127.0.0.1:9/powerapps/providers/x'), 'https://service.powerapps.com/.default');
    assert.equal(scopes.scopeFor('http://127.0.0.1:9/flow/providers/x'), 'https://service.flow.microsoft.com/.default');
    assert.equal(scopes.scopeFor('http://127.0.0.1:9/graph/v1.0/users'), 'https://graph.microsoft.com/.default');
    assert.equal(
      scopes.scopeFor('http://127.0.0.1:9/dataverse/contosohr/api/data/v9.2/roles'),
      'https://contosohr.crm4.dynamics.com/.default',
    );
    assert.equal(
      scopes.scopeFor(
        'https://europe.api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/lifecycleOperations/1',
      ),
      'https://service.powerapps.com/.default',
    );
    assert.equal(
      scopes.scopeFor('https://org.api.crm4.dynamics.com/api/data/v9.2/roles'),
      'https://org.crm4.dynamics.com/.default',
    );
  });

  it('gives a simulated org under /dataverse/{domain} the audience of its domain name', () => {
    const sim = new ScopeResolver(
      { bap: 'http://s/bap', powerapps: 'http://s/powerapps', flow: 'http://s/flow', graph: 'http://s/graph' },
      'http://s/dataverse',
    );
    assert.equal(
      sim.scopeFor('http://s/dataverse/contosotest/api/data/v9.2/roles'),
      'https://contosotest.crm.dynamics.com/.default',
    );
    assert.equal(sim.knows('http://s/other'), false);
  });

  it('refuses hosts it does not know, so no token leaves for them', () => {
    assert.throws(() => scopes.scopeFor('https://evil.example.com/x'), UnknownApiHostError);
    assert.throws(() => scopes.scopeFor('http://127.0.0.1:9/bapx/y'), UnknownApiHostError);
  });
});

describe('live http helpers', () => {
  it('parses Retry-After seconds and dates', () => {
    assert.equal(parseRetryAfter('0'), 0);
    assert.equal(parseRetryAfter('12'), 12_000);
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
  });

  it('keeps OData keys literal and encodes values', () => {
    assert.equal(
      withQuery('https://h/p', { $filter: "environment eq '~Default'", skip: undefined }),
      "https://h/p?$filter=environment%20eq%20'~Default'",
    );
    assert.equal(withQuery('https://h/p?a=1', { b: 2 }), 'https://h/p?a=1&b=2');
  });

  it('drops secret-looking parameters from recorded URLs', () => {
    assert.equal(sanitizeUrl('https://h/p?api-version=1&code=abc&sig=x'), 'https://h/p?api-version=1');
  });
});
