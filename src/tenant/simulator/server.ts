import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CONTROL_PREFIX, handleControl } from './control.js';
import { defaultCodeFor, type ErrorFamily, errorBody, HttpError } from './errors.js';
import { loadFixture, type TenantFixture } from './fixture.js';
import { newGuid, sameId } from './ids.js';
import { settleOperations } from './lifecycle.js';
import { SimulatorStateFile } from './persistence.js';
import { type RequestContext, type Route, Router, type SimResponse } from './router.js';
import { registerActivityFeedRoutes } from './routes/activity-feed.js';
import { registerEnvironmentRoutes } from './routes/bap-environments.js';
import { registerBapUserRoutes } from './routes/bap-users.js';
import { API_VERSIONS } from './routes/common.js';
import { registerConnectorRoutes } from './routes/connectors.js';
import { registerDataverseRoutes } from './routes/dataverse.js';
import { registerDlpRoutes } from './routes/dlp.js';
import { registerGraphRoutes } from './routes/graph.js';
import { registerInventoryRoutes } from './routes/inventory.js';
import { registerLoginRoutes } from './routes/login.js';
import { SimulatorState } from './state.js';
import { decodeToken, normaliseAudience, type TokenClaims } from './tokens.js';

export type { TenantFixture } from './fixture.js';
export { loadFixture } from './fixture.js';
export type { FaultRule, RequestLogEntry, SimulatorState } from './state.js';
export { issueTestToken, TEST_CLIENT_ID } from './tokens.js';

export interface SimulatorOptions {
  /** 0 (default) = an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  fixture?: TenantFixture;
  clock?: () => Date;
  /** Polls of a lifecycle operation before it completes (default 3). */
  lroPollsToComplete?: number;
  /**
   * Seconds (on `clock`) after which a lifecycle operation completes even if nobody polls it, as real creations do.
   * Default 60, or 0 (only by polls) when lroPollsToComplete is given: a test that counts polls stays deterministic.
   */
  lroSecondsToComplete?: number;
  /** `Retry-After` seconds on 202s, running operations and injected throttling (default 1; tests pass 0). */
  retryAfterSeconds?: number;
  /** Serve HTTPS with this key pair (e.g. for msal-node, which refuses http authorities). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Keep the tenant in `<dataDir>/tenant.json` across restarts (default: in memory only). */
  dataDir?: string | undefined;
  /** Accept POST /_simulator/faults from other processes (tests of several processes; default false). */
  remoteFaultInjection?: boolean;
}

export interface RunningSimulator {
  /** e.g. `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  state: SimulatorState;
  /** Writes the tenant to its data folder now (tests that change `state` directly call it); no-op in memory. */
  save(): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

function buildRouter(): Router {
  const router = new Router();
  registerLoginRoutes(router);
  registerEnvironmentRoutes(router);
  registerBapUserRoutes(router);
  registerDlpRoutes(router);
  registerConnectorRoutes(router);
  registerInventoryRoutes(router);
  registerDataverseRoutes(router);
  registerGraphRoutes(router);
  registerActivityFeedRoutes(router);
  return router;
}

function familyOfPath(path: string): ErrorFamily {
  const p = path.toLowerCase();
  if (p.startsWith('/login/')) return 'aad';
  if (p.startsWith('/graph/')) return 'graph';
  if (p.startsWith('/dataverse/')) return 'dataverse';
  return 'arm';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'RequestEntityTooLarge', 'The request body is too large.'));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function unauthorized(ctx: RequestContext, code: string, message: string): HttpError {
  return new HttpError(401, code, message, {
    'WWW-Authenticate': `Bearer authorization_uri="${ctx.baseUrl}/login/${ctx.state.tenant.id}/oauth2/authorize", error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
  });
}

/** Checks the bearer token of a request against the audiences the route accepts. */
function authenticate(ctx: RequestContext, route: Route): TokenClaims {
  const graph = route.family === 'graph';
  const header = ctx.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!m) {
    throw graph
      ? unauthorized(ctx, 'InvalidAuthenticationToken', 'Access token is empty.')
      : unauthorized(ctx, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
  }
  const claims = decodeToken(m[1]!);
  if (!claims) {
    throw unauthorized(
      ctx,
      graph ? 'InvalidAuthenticationToken' : 'InvalidAuthenticationToken',
      'The access token is invalid (not a JWT).',
    );
  }
  if (!sameId(claims.tid, ctx.state.tenant.id)) {
    throw unauthorized(
      ctx,
      'InvalidAuthenticationTokenTenant',
      `The access token is from the wrong issuer tenant '${claims.tid}'.`,
    );
  }
  if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) {
    throw unauthorized(
      ctx,
      graph ? 'InvalidAuthenticationToken' : 'ExpiredAuthenticationToken',
      'The access token has expired.',
    );
  }
  const allowed = route.audiences!(ctx).map(normaliseAudience);
  if (!allowed.includes(normaliseAudience(claims.aud))) {
    throw unauthorized(
      ctx,
      graph ? 'InvalidAuthenticationToken' : 'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for the wrong audience or resource '${claims.aud}'. It should exactly match one of the allowed audiences: ${allowed.join(', ')}.`,
    );
  }
  return claims;
}

function checkApiVersion(ctx: RequestContext, route: Route): void {
  if (route.apiVersion !== 'required') return;
  const version = ctx.query.get('api-version');
  if (!version) {
    throw new HttpError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  }
  if (!API_VERSIONS.includes(version)) {
    throw new HttpError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${version}' is invalid. The supported versions are '${API_VERSIONS.join(",'")}'.`,
    );
  }
}

function send(res: ServerResponse, requestId: string, response: SimResponse): void {
  const headers: Record<string, string> = {
    'x-ms-request-id': requestId,
    'request-id': requestId,
    ...response.headers,
  };
  if (response.body === undefined || response.status === 204) {
    res.writeHead(response.status, { ...headers, 'Content-Length': '0' });
    res.end();
    return;
  }
  const text = JSON.stringify(response.body);
  res.writeHead(response.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

async function handle(
  router: Router,
  state: SimulatorState,
  baseUrl: () => string,
  req: IncomingMessage,
  res: ServerResponse,
  control: { remoteFaultInjection: boolean; afterRequest: () => void },
): Promise<void> {
  const requestId = newGuid();
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://simulator.invalid');
  const path = safeDecode(url.pathname);
  if (path.startsWith(CONTROL_PREFIX)) {
    const body = await readBody(req).catch(() => '');
    handleControl(state, { faultInjection: control.remoteFaultInjection }, method, url, body, res);
    return;
  }
  let family = familyOfPath(path);
  let audience: string | undefined;
  // Rewriting the state file stringifies the whole tenant: only after a request that may have changed it.
  let mayHaveChanged = false;
  let response: SimResponse;
  const errorResponse = (err: HttpError): SimResponse => {
    const code = family === 'dataverse' && err.code === 'InvalidRequestContent' ? '0x80048d19' : err.code;
    return {
      status: err.status,
      headers: err.headers,
      body: errorBody(family, code, err.message, requestId, state.clock()),
    };
  };
  try {
    const rawBody = await readBody(req);
    const auth = req.headers.authorization;
    if (typeof auth === 'string' && /^Bearer\s/i.test(auth)) audience = decodeToken(auth.slice(7).trim())?.aud;
    mayHaveChanged = settleOperations(state);
    const fault = state.takeFault(method, `${path}${url.search}`);
    if (fault?.status === 0) {
      // A network failure: the connection drops with no answer at all (what a client sees as status 0).
      state.logRequest({ method, path, query: url.search, status: 0, time: state.now() });
      req.socket.destroy();
      return;
    }
    if (fault) {
      const headers: Record<string, string> = { ...fault.headers };
      if (
        (fault.status === 429 || fault.status === 503) &&
        !Object.keys(headers).some((h) => h.toLowerCase() === 'retry-after')
      ) {
        headers['Retry-After'] = String(state.retryAfterSeconds);
      }
      response = {
        status: fault.status,
        headers,
        body:
          fault.body !== undefined
            ? fault.body
            : errorBody(
                family,
                defaultCodeFor(fault.status),
                `Injected fault (HTTP ${fault.status}).`,
                requestId,
                state.clock(),
              ),
      };
    } else {
      const matched = router.match(method, path);
      if (!('route' in matched)) {
        throw matched.methodMismatch
          ? new HttpError(405, 'MethodNotAllowed', `The method '${method}' is not allowed for '${path}'.`)
          : new HttpError(404, 'NotFound', `No route matches '${method} ${path}'.`);
      }
      const { route, params } = matched;
      family = route.family;
      if (!route.readOnly) mayHaveChanged = true;
      const ctx: RequestContext = {
        method,
        path,
        url: new URL(`${url.pathname}${url.search}`, baseUrl()),
        query: url.searchParams,
        params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, safeDecode(v)])),
        headers: req.headers,
        rawBody,
        state,
        baseUrl: baseUrl(),
        token: null,
        requestId,
      };
      if (route.audiences) ctx.token = authenticate(ctx, route);
      checkApiVersion(ctx, route);
      response = await route.handler(ctx);
    }
  } catch (err) {
    if (err instanceof HttpError) {
      response = errorResponse(err);
    } else {
      response = errorResponse(new HttpError(500, 'InternalServerError', `Unexpected simulator error: ${String(err)}`));
    }
  }
  state.logRequest({
    method,
    path,
    query: url.search,
    status: response.status,
    ...(audience ? { audience } : {}),
    time: state.now(),
  });
  // Durable before the caller hears the answer: a 202 for a creation survives a simulator restart.
  if (mayHaveChanged) control.afterRequest();
  if (!res.headersSent) send(res, requestId, response);
}

/** Starts the simulated tenant on `host:port` (an ephemeral port by default). */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const state = new SimulatorState(opts.fixture ?? loadFixture(), {
    clock: opts.clock ?? (() => new Date()),
    lroPollsToComplete: opts.lroPollsToComplete ?? 3,
    lroSecondsToComplete: opts.lroSecondsToComplete ?? (opts.lroPollsToComplete === undefined ? 60 : 0),
    retryAfterSeconds: opts.retryAfterSeconds ?? 1,
  });
  const stateFile = opts.dataDir ? SimulatorStateFile.inFolder(opts.dataDir) : undefined;
  stateFile?.loadInto(state);
  const save = () => stateFile?.save(state);
  const control = { remoteFaultInjection: opts.remoteFaultInjection ?? false, afterRequest: save };
  const router = buildRouter();
  const host = opts.host ?? '127.0.0.1';
  const scheme = opts.tls ? 'https' : 'http';
  let url = '';
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(router, state, () => url, req, res, control).catch(() => {
      if (!res.headersSent) {
        res.writeHead(500);
        res.end();
      }
    });
  };
  const server: Server = opts.tls
    ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, listener)
    : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  url = `${scheme}://${hostPart}:${port}`;
  return {
    url,
    state,
    save,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }).finally(save),
  };
}
