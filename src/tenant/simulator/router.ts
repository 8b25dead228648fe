import type { IncomingHttpHeaders } from 'node:http';
import { type ErrorFamily, HttpError } from './errors.js';
import type { SimulatorState } from './state.js';
import type { TokenClaims } from './tokens.js';

export interface RequestContext {
  method: string;
  /** Decoded path, e.g. `/bap/providers/…`. */
  path: string;
  url: URL;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: string;
  state: SimulatorState;
  /** The server's own base URL, e.g. `http://127.0.0.1:4000`. */
  baseUrl: string;
  /** Claims of the accepted bearer token (set for authenticated routes). */
  token: TokenClaims | null;
  requestId: string;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => SimResponse | Promise<SimResponse>;

export type ApiVersionRule = 'required' | 'optional';

export interface Route {
  method: string;
  pattern: RegExp;
  paramNames: string[];
  family: ErrorFamily;
  /** Audiences accepted for this route (may throw HttpError, e.g. 404 for an unknown org); null = no auth. */
  audiences: ((ctx: RequestContext) => string[]) | null;
  apiVersion: ApiVersionRule;
  /** Never changes the tenant: the state file is not rewritten after it (see persistence.ts). */
  readOnly: boolean;
  handler: Handler;
}

export interface RouteOptions {
  family: ErrorFamily;
  audiences: ((ctx: RequestContext) => string[]) | null;
  apiVersion?: ApiVersionRule;
  /** Default: true for GET. A GET that changes the tenant (an operation poll) says false; a POST query says true. */
  readOnly?: boolean;
}

/** Builds a case-insensitive matcher from a template like `/bap/…/environments/:envId` or `/…/systemusers(:id)`. */
export function compileTemplate(template: string): { pattern: RegExp; paramNames: string[] } {
  const paramNames: string[] = [];
  let source = '';
  const re = /:([A-Za-z]\w*)/g;
  let last = 0;
  for (let m = re.exec(template); m !== null; m = re.exec(template)) {
    source += escapeRegex(template.slice(last, m.index)) + '([^/()]+)';
    paramNames.push(m[1]!);
    last = m.index + m[0].length;
  }
  source += escapeRegex(template.slice(last));
  return { pattern: new RegExp(`^${source}/?$`, 'i'), paramNames };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Router {
  readonly routes: Route[] = [];

  add(method: string, template: string, opts: RouteOptions, handler: Handler): void {
    const { pattern, paramNames } = compileTemplate(template);
    this.routes.push({
      method: method.toUpperCase(),
      pattern,
      paramNames,
      family: opts.family,
      audiences: opts.audiences,
      apiVersion: opts.apiVersion ?? 'optional',
      readOnly: opts.readOnly ?? method.toUpperCase() === 'GET',
      handler,
    });
  }

  /** The route for a request, or `methodMismatch` when the path exists with another method. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | { methodMismatch: boolean } {
    let methodMismatch = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (route.method !== method.toUpperCase()) {
        methodMismatch = true;
        continue;
      }
      const params: Record<string, string> = {};
      route.paramNames.forEach((name, i) => {
        params[name] = m[i + 1]!;
      });
      return { route, params };
    }
    return { methodMismatch };
  }
}

/** Parses the JSON body; malformed JSON is a 400. An empty body parses to `undefined`. */
export function jsonBody(ctx: RequestContext): unknown {
  if (ctx.rawBody.trim() === '') return undefined;
  try {
    return JSON.parse(ctx.rawBody);
  } catch {
    throw new HttpError(
      400,
      'InvalidRequestContent',
      'The request content was invalid and could not be deserialized: malformed JSON.',
    );
  }
}

/** The JSON body as an object; anything else is a 400 with `code`. */
export function objectBody(ctx: RequestContext, code = 'InvalidRequestContent'): Record<string, unknown> {
  const body = jsonBody(ctx);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, code, 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function json(status: number, body: unknown, headers?: Record<string, string>): SimResponse {
  return headers ? { status, body, headers } : { status, body };
}
