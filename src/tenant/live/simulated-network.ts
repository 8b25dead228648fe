// msal-node network module for the simulated tenant: msal only accepts https authorities, so it is given
// https://<simulator host:port>/login/<tenant> and this module sends its requests to the plain-http simulator.
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { timeoutSignal } from './http-client.js';

export class SimulatedLoginNetwork implements INetworkModule {
  private readonly httpLogin: string;
  readonly httpsLoginUrl: string;
  readonly hostAndPort: string;

  /** loginUrl: the simulator's login prefix, e.g. http://127.0.0.1:4000/login */
  constructor(loginUrl: string) {
    const u = new URL(loginUrl);
    this.httpLogin = `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
    this.hostAndPort = u.host;
    this.httpsLoginUrl = `https://${u.host}${u.pathname.replace(/\/+$/, '')}`;
  }

  /** OpenID metadata handed to msal up front (authorityMetadata), so it needs no discovery call. */
  openIdMetadata(tenantId: string): Record<string, string> {
    const base = `${this.httpsLoginUrl}/${tenantId}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      issuer: `${base}/v2.0`,
    };
  }

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(
    method: string,
    url: string,
    options: NetworkRequestOptions | undefined,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    const target = this.toSimulator(url);
    const deadline = timeout ? timeoutSignal(timeout) : undefined;
    let text: string;
    let response: Response;
    try {
      response = await fetch(target, {
        method,
        headers: options?.headers ?? {},
        ...(options?.body !== undefined ? { body: options.body } : {}),
        ...(deadline ? { signal: deadline.signal } : {}),
      });
      text = await response.text();
    } finally {
      deadline?.clear();
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    // Metadata served by the simulator names its own http URLs; msal must keep seeing https ones.
    const body = text ? (JSON.parse(text.split(this.httpLogin).join(this.httpsLoginUrl)) as T) : ({} as T);
    return { status: response.status, headers, body };
  }

  private toSimulator(url: string): string {
    if (url.startsWith(this.httpsLoginUrl)) return this.httpLogin + url.slice(this.httpsLoginUrl.length);
    throw new Error(`Simulated msal network refuses ${new URL(url).origin}: not the simulated login authority`);
  }
}
