// Records every HTTP request this process sends (fetch through undici's diagnostics channel, node:http through
// http.client.request.start), so a test can assert that nothing went to a host, rather than that a server it
// never addressed saw nothing. Observation only: requests are not changed or stopped.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

export interface OutgoingRequests {
  /** Each request as "METHOD origin/path". */
  readonly sent: string[];
  stop(): void;
}

export function recordOutgoingRequests(): OutgoingRequests {
  const sent: string[] = [];
  const onFetch = (message: unknown) => {
    const { request } = message as { request: { method: string; origin: string; path: string } };
    sent.push(`${request.method} ${request.origin}${request.path}`);
  };
  const onHttp = (message: unknown) => {
    const { request } = message as {
      request: { method: string; protocol: string; host: string; path: string; getHeader(name: string): unknown };
    };
    sent.push(
      `${request.method} ${request.protocol}//${String(request.getHeader('host') ?? request.host)}${request.path}`,
    );
  };
  subscribe('undici:request:create', onFetch);
  subscribe('http.client.request.start', onHttp);
  return {
    sent,
    stop() {
      unsubscribe('undici:request:create', onFetch);
      unsubscribe('http.client.request.start', onHttp);
    },
  };
}
