// App-only tokens for the admin APIs, from @azure/msal-node's client-credentials flow.
// Simulated mode runs the same msal code against the simulated tenant's /login prefix (see simulated-network.ts).
import { ConfidentialClientApplication, type Configuration, LogLevel } from '@azure/msal-node';
import { SimulatedLoginNetwork } from './simulated-network.js';

export interface TokenProvider {
  getToken(scope: string): Promise<string>;
  /** Forgets a cached token (after a 401), so the next getToken asks the authority again. */
  invalidate?(scope: string): void;
}

export type ClientCredential =
  | { kind: 'secret'; secret: string }
  /** thumbprint: hex SHA-1 (40 chars) or SHA-256 (64 chars); privateKey: PEM. */
  | { kind: 'certificate'; thumbprint: string; privateKey: string; x5c?: string | undefined };

export interface MsalTokenProviderOptions {
  tenantId: string;
  clientId: string;
  credential: ClientCredential;
  /** Default https://login.microsoftonline.com. */
  authorityHost?: string | undefined;
  /**
   * The simulated tenant's login prefix (http://127.0.0.1:port/login). msal-node only accepts https
   * authorities, so the authority is the same URL with https, and a custom network client sends
   * msal's requests to the plain-http simulator.
   */
  simulatedLoginUrl?: string | undefined;
  /** Renew this long before expiry. */
  refreshSkewMs?: number;
  now?: () => number;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

export class MsalTokenProvider implements TokenProvider {
  private readonly app: ConfidentialClientApplication;
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly refused = new Set<string>();
  private readonly skewMs: number;
  private readonly now: () => number;

  constructor(options: MsalTokenProviderOptions) {
    this.skewMs = options.refreshSkewMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
    this.app = new ConfidentialClientApplication(msalConfiguration(options));
  }

  async getToken(scope: string): Promise<string> {
    const cached = this.cache.get(scope);
    if (cached && cached.expiresAt - this.skewMs > this.now()) return cached.token;
    const pending = this.inFlight.get(scope);
    if (pending) return pending;
    const request = this.acquire(scope).finally(() => this.inFlight.delete(scope));
    this.inFlight.set(scope, request);
    return request;
  }

  invalidate(scope: string): void {
    this.cache.delete(scope);
    this.refused.add(scope);
  }

  private async acquire(scope: string): Promise<string> {
    // After a 401, skip msal's own cache: it would hand back the token that was just refused.
    const skipCache = this.refused.delete(scope);
    const result = await this.app.acquireTokenByClientCredential({ scopes: [scope], skipCache });
    if (!result?.accessToken) throw new Error(`No access token returned for ${scope}`);
    const expiresAt = result.expiresOn?.getTime() ?? this.now() + 10 * 60_000;
    this.cache.set(scope, { token: result.accessToken, expiresAt });
    return result.accessToken;
  }
}

function msalConfiguration(options: MsalTokenProviderOptions): Configuration {
  const credential =
    options.credential.kind === 'secret'
      ? { clientSecret: options.credential.secret }
      : { clientCertificate: certificateOption(options.credential) };
  const loggerOptions = { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} };

  if (options.simulatedLoginUrl) {
    const network = new SimulatedLoginNetwork(options.simulatedLoginUrl);
    const authority = `${network.httpsLoginUrl}/${options.tenantId}`;
    return {
      auth: {
        clientId: options.clientId,
        authority,
        knownAuthorities: [network.hostAndPort],
        authorityMetadata: JSON.stringify(network.openIdMetadata(options.tenantId)),
        ...credential,
      },
      system: { networkClient: network, loggerOptions },
    };
  }
  const host = (options.authorityHost ?? 'https://login.microsoftonline.com').replace(/\/+$/, '');
  return {
    auth: { clientId: options.clientId, authority: `${host}/${options.tenantId}`, ...credential },
    system: { loggerOptions },
  };
}

function certificateOption(c: Extract<ClientCredential, { kind: 'certificate' }>) {
  const thumbprint = c.thumbprint.replace(/[^0-9a-f]/gi, '');
  const key = extractPrivateKey(c.privateKey);
  const base =
    thumbprint.length === 64 ? { thumbprintSha256: thumbprint, privateKey: key } : { thumbprint, privateKey: key };
  return c.x5c ? { ...base, x5c: c.x5c } : base;
}

/** A PEM file may hold the certificate and the key; msal wants the key block only. */
export function extractPrivateKey(pem: string): string {
  const match =
    /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.exec(
      pem,
    );
  if (!match) throw new Error('The certificate file holds no PEM private key');
  return match[0];
}
