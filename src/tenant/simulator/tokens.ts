import { loadFixture } from './fixture.js';
import { stableGuid } from './ids.js';

/**
 * Access tokens of the simulated tenant: unsigned JWTs (`alg: none`) whose claims record the audience
 * (the requested scope without `/.default`), the tenant and the calling application.
 */

export interface TokenClaims {
  aud: string;
  iss: string;
  tid: string;
  appid: string;
  azp: string;
  oid: string;
  sub: string;
  idtyp: string;
  ver: string;
  iat: number;
  nbf: number;
  exp: number;
}

export const TEST_CLIENT_ID = stableGuid('govbot-simulator-test-client');

/** The object id of the service principal of an application, stable per client id. */
export function servicePrincipalId(appId: string): string {
  return stableGuid(`service-principal:${appId.toLowerCase()}`);
}

export const AUDIENCES = {
  powerapps: 'https://service.powerapps.com',
  bap: 'https://api.bap.microsoft.com',
  flow: 'https://service.flow.microsoft.com',
  graph: 'https://graph.microsoft.com',
} as const;

/** Normalises an audience or resource: lower-case, no trailing slash. */
export function normaliseAudience(aud: string): string {
  return aud.trim().replace(/\/+$/, '').toLowerCase();
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function encodeToken(claims: TokenClaims): string {
  return `${b64url({ typ: 'JWT', alg: 'none' })}.${b64url(claims)}.`;
}

export function decodeToken(token: string): TokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Partial<TokenClaims>;
    if (typeof claims.aud !== 'string' || typeof claims.tid !== 'string' || typeof claims.appid !== 'string')
      return null;
    return claims as TokenClaims;
  } catch {
    return null;
  }
}

export interface IssueOptions {
  appId?: string;
  tenantId?: string;
  lifetimeSeconds?: number;
  now?: Date;
}

let defaultTenantId: string | undefined;
function fixtureTenantId(): string {
  defaultTenantId ??= loadFixture().tenant.id;
  return defaultTenantId;
}

export function issueToken(audience: string, opts: IssueOptions = {}): { token: string; claims: TokenClaims } {
  const appId = opts.appId ?? TEST_CLIENT_ID;
  const tenantId = opts.tenantId ?? fixtureTenantId();
  const iat = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const claims: TokenClaims = {
    aud: audience.replace(/\/+$/, ''),
    iss: `https://sts.windows.net/${tenantId}/`,
    tid: tenantId,
    appid: appId,
    azp: appId,
    oid: servicePrincipalId(appId),
    sub: servicePrincipalId(appId),
    idtyp: 'app',
    ver: '1.0',
    iat,
    nbf: iat,
    exp: iat + (opts.lifetimeSeconds ?? 3599),
  };
  return { token: encodeToken(claims), claims };
}

/** A bearer token the simulator accepts for `audience` (e.g. `https://service.powerapps.com`). */
export function issueTestToken(audience: string, opts: IssueOptions = {}): string {
  return issueToken(audience, opts).token;
}
