// One JSON-over-fetch helper for every admin API: bearer token per audience, the services' error shape mapped
// to AdminApiError, bounded retries (p-retry) honouring Retry-After, nextLink paging, and a record of every call.
import pRetry, { AbortError } from 'p-retry';
import type { ApiCall } from '../../requests/model.js';
import { AdminApiError } from '../tenant-admin.js';
import { reportApiCall } from './api-call-log.js';
import { nodeHttpFetch } from './node-http-fetch.js';
import type { TokenProvider } from './token-provider.js';

/** Statuses that mean "try again later". 409 is added per request for OperationNotStartable. */
export const RETRYABLE_STATUSES: readonly number[] = [408, 425, 429, 499, 500, 502, 503, 504];
/** For non-idempotent writes: failures that mean the request was not processed at all. */
const NOT_PROCESSED_STATUSES: readonly number[] = [425, 429];

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query | undefined;
  body?: unknown;
  headers?: Record<string, string> | undefined;
  /** Also retry 409 OperationNotStartable (another lifecycle operation is running) and bodiless 409s. */
  retryOnConflict?: boolean | undefined;
  /** False for creates: retry only failures that show the request was not processed (429, 425, 409 when told). */
  idempotent?: boolean | undefined;
  /** Statuses answered as a response instead of an AdminApiError (e.g. 404 for a lookup, 409 for an LRO poll). */
  accept?: readonly number[] | undefined;
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  body: T | undefined;
  /** The URL requested (absolute). */
  url: string;
}

export interface HttpClientOptions {
  tokens: TokenProvider;
  scopeFor: (url: string) => string;
  /** Retries after the first attempt (config HTTP_MAX_RETRIES). */
  maxRetries: number;
  onApiCall?: ((call: ApiCall) => void) | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Upper bound on one wait, whatever Retry-After says. Default 60 s. */
  maxRetryAfterMs?: number | undefined;
  /** First backoff step without Retry-After. Default 1 s, doubling, at most 30 s, with jitter. */
  baseDelayMs?: number | undefined;
  maxBackoffMs?: number | undefined;
  /** Per-attempt timeout. Default 100 s. */
  timeoutMs?: number | undefined;
  random?: (() => number) | undefined;
  fetch?: typeof fetch | undefined;
  userAgent?: string | undefined;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Carries the wait the server asked for from one failed attempt to the retry decision. */
class AttemptError extends Error {
  constructor(
    readonly error: AdminApiError,
    readonly retryAfterMs: number | undefined,
  ) {
    super(error.message);
  }
}

export class HttpClient {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetchImpl: typeof fetch;
  private readonly random: () => number;

  constructor(private readonly options: HttpClientOptions) {
    this.sleep = options.sleep ?? defaultSleep;
    this.fetchImpl = options.fetch ?? nodeHttpFetch;
    this.random = options.random ?? Math.random;
  }

  async request<T>(method: string, url: string, opts: RequestOptions = {}): Promise<HttpResponse<T>> {
    const target = withQuery(url, opts.query);
    const scope = this.options.scopeFor(target);
    let refreshedToken = false;

    const attempt = async (): Promise<HttpResponse<T>> => {
      const result = await this.once<T>(method, target, scope, opts);
      if (result.ok) return result.response;
      const { error, retryAfterMs } = result;
      if (error.status === 401 && !refreshedToken && this.options.tokens.invalidate) {
        // One fresh token per request: a token revoked or rotated since it was cached.
        refreshedToken = true;
        this.options.tokens.invalidate(scope);
        throw new AttemptError(error, 0);
      }
      if (!isRetryable(error, opts)) throw new AbortError(error);
      throw new AttemptError(error, retryAfterMs);
    };

    try {
      return await pRetry(attempt, {
        retries: this.options.maxRetries,
        minTimeout: 0,
        maxTimeout: 0,
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          if (retriesLeft > 0 && error instanceof AttemptError)
            await this.sleep(this.delayMs(attemptNumber, error.retryAfterMs));
        },
      });
    } catch (e) {
      if (e instanceof AttemptError) throw e.error;
      throw e;
    }
  }

  /** GET returning the body; AdminApiError on failure. */
  async get<T>(url: string, opts: RequestOptions = {}): Promise<T> {
    return (await this.request<T>('GET', url, opts)).body as T;
  }

  /** GET returning undefined on 404. */
  async getOptional<T>(url: string, opts: RequestOptions = {}): Promise<T | undefined> {
    const response = await this.request<T>('GET', url, { ...opts, accept: [...(opts.accept ?? []), 404] });
    return response.status === 404 ? undefined : response.body;
  }

  async send<T>(method: string, url: string, body: unknown, opts: RequestOptions = {}): Promise<HttpResponse<T>> {
    return this.request<T>(method, url, { ...opts, body });
  }

  /** GETs a list and follows nextLink / @odata.nextLink until the last page. */
  async list<T>(url: string, opts: RequestOptions = {}): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let next: string | undefined = withQuery(url, opts.query);
    while (next) {
      if (seen.has(next)) throw new Error(`Paging loop: ${stripQuery(next)} was already read`);
      seen.add(next);
      const page: unknown = await this.get<unknown>(next, { ...opts, query: undefined });
      if (Array.isArray(page)) {
        items.push(...(page as T[]));
        break;
      }
      const body = (page ?? {}) as { value?: T[]; nextLink?: string; '@odata.nextLink'?: string };
      items.push(...(body.value ?? []));
      const link = body['@odata.nextLink'] ?? body.nextLink;
      next = link ? new URL(link, next).toString() : undefined;
    }
    return items;
  }

  private delayMs(attemptNumber: number, retryAfterMs: number | undefined): number {
    const cap = this.options.maxRetryAfterMs ?? 60_000;
    if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, 0), cap);
    const base = this.options.baseDelayMs ?? 1_000;
    const step = Math.min(this.options.maxBackoffMs ?? 30_000, base * 2 ** (attemptNumber - 1));
    return Math.round(step * (0.5 + this.random() / 2));
  }

  private async once<T>(
    method: string,
    url: string,
    scope: string,
    opts: RequestOptions,
  ): Promise<
    { ok: true; response: HttpResponse<T> } | { ok: false; error: AdminApiError; retryAfterMs: number | undefined }
  > {
    const started = Date.now();
    const at = new Date(started).toISOString();
    const record = (status: number) => {
      const call: ApiCall = { method, url: sanitizeUrl(url), status, at, durationMs: Date.now() - started };
      reportApiCall(call);
      this.options.onApiCall?.(call);
    };

    let response: Response;
    // Not AbortSignal.timeout(): its timer keeps the signal, fetch's listeners and what they reach alive for the
    // whole timeout (100 s) after the call ended, so a busy bot promoted every call's garbage to the old space and
    // its RSS kept growing. This timer is cleared as soon as the body has been read.
    const timeout = timeoutSignal(this.options.timeoutMs ?? 100_000);
    try {
      const token = await this.options.tokens.getToken(scope);
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...(this.options.userAgent ? { 'user-agent': this.options.userAgent } : {}),
        ...opts.headers,
        authorization: `Bearer ${token}`,
      };
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] = 'application/json';
      }
      response = await this.fetchImpl(url, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: timeout.signal,
        redirect: 'manual',
      });
    } catch (e) {
      timeout.clear();
      record(0);
      const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      const message = e instanceof Error ? e.message : String(e);
      const code = timedOut ? 'Timeout' : 'NetworkError';
      return {
        ok: false,
        error: new AdminApiError(0, code, message, method, sanitizeUrl(url)),
        retryAfterMs: undefined,
      };
    }

    const text = await response.text().catch(() => '');
    timeout.clear();
    record(response.status);
    const parsed = parseJson(text);

    if (response.ok || opts.accept?.includes(response.status)) {
      return { ok: true, response: { status: response.status, headers: response.headers, body: parsed as T, url } };
    }
    const { code, message } = errorFrom(response.status, parsed, text);
    return {
      ok: false,
      error: new AdminApiError(response.status, code, message, method, sanitizeUrl(url)),
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
    };
  }
}

function isRetryable(error: AdminApiError, opts: RequestOptions): boolean {
  const idempotent = opts.idempotent ?? true;
  if (error.status === 409 && opts.retryOnConflict) {
    return error.code === 'OperationNotStartable' || error.code === 'HTTP_409';
  }
  if (error.status === 0) return idempotent;
  return (idempotent ? RETRYABLE_STATUSES : NOT_PROCESSED_STATUSES).includes(error.status);
}

/** Retry-After in seconds or as an HTTP date → milliseconds to wait (undefined when absent or unreadable). */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The services' error shape {"error":{"code","message"}}, with fallbacks for bare and non-JSON bodies. */
export function errorFrom(status: number, parsed: unknown, text: string): { code: string; message: string } {
  const fallbackCode = `HTTP_${status}`;
  if (parsed && typeof parsed === 'object') {
    const outer = parsed as Record<string, unknown>;
    const inner = (typeof outer.error === 'object' && outer.error !== null ? outer.error : outer) as Record<
      string,
      unknown
    >;
    const code = typeof inner.code === 'string' && inner.code ? inner.code : fallbackCode;
    const message =
      typeof inner.message === 'string' && inner.message
        ? inner.message
        : typeof outer.message === 'string'
          ? outer.message
          : `HTTP ${status}`;
    return { code, message };
  }
  return { code: fallbackCode, message: text.trim() ? text.trim().slice(0, 500) : `HTTP ${status}` };
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Appends query parameters; keys are sent as written ($filter stays $filter), values are percent-encoded. */
export function withQuery(url: string, query: Query | undefined): string {
  if (!query) return url;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    parts.push(`${key}=${encodeURIComponent(String(value))}`);
  }
  if (parts.length === 0) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${parts.join('&')}`;
}

const SECRET_PARAMS =
  /^(sig|signature|code|token|access_token|client_secret|secret|password|key|sharedaccesssignature|sv|se|sp)$/i;

/** The URL as recorded: origin and path, with any secret-looking query parameter dropped. */
export function sanitizeUrl(url: string): string {
  try {
    const u = new URL(url);
    const kept: string[] = [];
    for (const part of u.search.replace(/^\?/, '').split('&')) {
      if (!part) continue;
      const key = decodeURIComponent(part.split('=')[0] ?? '');
      if (!SECRET_PARAMS.test(key)) kept.push(part);
    }
    return `${u.origin}${u.pathname}${kept.length ? `?${kept.join('&')}` : ''}`;
  } catch {
    return stripQuery(url);
  }
}

function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? url : url.slice(0, i);
}

/** An abort signal that fires after ms (a TimeoutError, as AbortSignal.timeout's), and whose timer can be cleared. */
export function timeoutSignal(ms: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    ms,
  );
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
