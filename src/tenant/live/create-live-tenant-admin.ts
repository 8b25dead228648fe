// Builds the live TenantAdmin from config: msal token provider, one HTTP client, the per-service clients.
// With simulatorUrl the same code talks to the simulated tenant (its /bap, /powerapps, /flow, /graph, /login prefixes).
import { readFileSync } from 'node:fs';
import type { Config } from '../../config/config.js';
import type { ApiCall } from '../../requests/model.js';
import { BapClient } from './bap-client.js';
import { DataverseClient } from './dataverse-client.js';
import { FlowClient } from './flow-client.js';
import { GraphClient } from './graph-client.js';
import { HttpClient } from './http-client.js';
import { LiveTenantAdmin } from './live-tenant-admin.js';
import { PowerAppsClient } from './powerapps-client.js';
import { ScopeResolver, type ServiceBaseUrls } from './scopes.js';
import { type ClientCredential, MsalTokenProvider, type TokenProvider } from './token-provider.js';

/** The app identity the simulated tenant accepts. */
export const SIMULATED_CLIENT_ID = '00000000-0000-0000-0000-000000000001';
export const SIMULATED_CLIENT_SECRET = 'simulated-secret';

export type TenantAdminConfig = Pick<
  Config,
  | 'TENANT_ID'
  | 'AAD_CLIENT_ID'
  | 'AAD_CLIENT_SECRET'
  | 'AAD_CERTIFICATE_PATH'
  | 'AAD_CERTIFICATE_THUMBPRINT'
  | 'AUTHORITY_HOST'
  | 'BAP_BASE_URL'
  | 'POWERAPPS_BASE_URL'
  | 'FLOW_BASE_URL'
  | 'GRAPH_BASE_URL'
  | 'HTTP_MAX_RETRIES'
>;

export interface CreateTenantAdminOptions {
  /** Base URL of the simulated tenant (http://127.0.0.1:3979); absent = the real Microsoft hosts from config. */
  simulatorUrl?: string | undefined;
  onApiCall?: ((call: ApiCall) => void) | undefined;
  /** Injected wait, for retries and Dataverse user sync (tests pass a no-op). */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Replaces msal (tests). */
  tokenProvider?: TokenProvider | undefined;
  userSyncAttempts?: number | undefined;
  userSyncDelayMs?: number | undefined;
}

export function serviceBaseUrls(config: TenantAdminConfig, simulatorUrl?: string): ServiceBaseUrls {
  if (simulatorUrl) {
    const root = simulatorUrl.replace(/\/+$/, '');
    return { bap: `${root}/bap`, powerapps: `${root}/powerapps`, flow: `${root}/flow`, graph: `${root}/graph` };
  }
  return {
    bap: config.BAP_BASE_URL,
    powerapps: config.POWERAPPS_BASE_URL,
    flow: config.FLOW_BASE_URL,
    graph: config.GRAPH_BASE_URL,
  };
}

export function createTokenProvider(config: TenantAdminConfig, simulatorUrl?: string): MsalTokenProvider {
  if (simulatorUrl) {
    return new MsalTokenProvider({
      tenantId: config.TENANT_ID,
      clientId: config.AAD_CLIENT_ID ?? SIMULATED_CLIENT_ID,
      credential: { kind: 'secret', secret: config.AAD_CLIENT_SECRET ?? SIMULATED_CLIENT_SECRET },
      simulatedLoginUrl: `${simulatorUrl.replace(/\/+$/, '')}/login`,
    });
  }
  if (!config.AAD_CLIENT_ID) throw new Error('AAD_CLIENT_ID is required for the live tenant');
  return new MsalTokenProvider({
    tenantId: config.TENANT_ID,
    clientId: config.AAD_CLIENT_ID,
    credential: credentialFrom(config),
    authorityHost: config.AUTHORITY_HOST,
  });
}

function credentialFrom(config: TenantAdminConfig): ClientCredential {
  if (config.AAD_CERTIFICATE_PATH) {
    if (!config.AAD_CERTIFICATE_THUMBPRINT)
      throw new Error('AAD_CERTIFICATE_THUMBPRINT is required with AAD_CERTIFICATE_PATH');
    return {
      kind: 'certificate',
      thumbprint: config.AAD_CERTIFICATE_THUMBPRINT,
      privateKey: readFileSync(config.AAD_CERTIFICATE_PATH, 'utf8'),
    };
  }
  if (!config.AAD_CLIENT_SECRET)
    throw new Error('AAD_CLIENT_SECRET or AAD_CERTIFICATE_PATH is required for the live tenant');
  return { kind: 'secret', secret: config.AAD_CLIENT_SECRET };
}

export function createTenantAdmin(config: TenantAdminConfig, options: CreateTenantAdminOptions = {}): LiveTenantAdmin {
  const bases = serviceBaseUrls(config, options.simulatorUrl);
  const scopes = new ScopeResolver(
    bases,
    options.simulatorUrl ? `${options.simulatorUrl.replace(/\/+$/, '')}/dataverse` : undefined,
  );
  const tokens = options.tokenProvider ?? createTokenProvider(config, options.simulatorUrl);
  const http = new HttpClient({
    tokens,
    scopeFor: (url) => scopes.scopeFor(url),
    maxRetries: config.HTTP_MAX_RETRIES,
    onApiCall: options.onApiCall,
    sleep: options.sleep,
    userAgent: 'power-platform-governance-bot',
  });
  return new LiveTenantAdmin(
    {
      bap: new BapClient(http, bases.bap),
      powerApps: new PowerAppsClient(http, bases.powerapps),
      flow: new FlowClient(http, bases.flow),
      dataverse: new DataverseClient(http),
      graph: new GraphClient(http, bases.graph),
      scopes,
    },
    {
      tenantId: config.TENANT_ID,
      sleep: options.sleep,
      userSyncAttempts: options.userSyncAttempts,
      userSyncDelayMs: options.userSyncDelayMs,
    },
  );
}
