// botbuilder builds every proactive turn (each outbox send) from scratch: a connector factory, its credentials and a
// connector client with a new HTTP pipeline, for one call. In the filing profile that was a visible share of an
// outbox send's CPU (createPipelineFromOptions among the top self-time entries). A connector client holds nothing
// per conversation or per call, and its credentials fetch and cache their own tokens (renewed as they expire), so
// one client per bot identity, service URL and audience serves every proactive send. Turns that answer an incoming
// activity are left as they are (botbuilder builds their client from the request's own authentication).
import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { LRUCache } from 'lru-cache';

type Authentication = Pick<ConfigurationBotFrameworkAuthentication, 'createConnectorFactory'>;
type ClaimsIdentity = Parameters<Authentication['createConnectorFactory']>[0];
type ConnectorFactory = ReturnType<Authentication['createConnectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;

/** Makes `auth`'s connector factories (asked only for proactive turns) hand out one client per identity and URL. */
export function reuseProactiveConnectors(auth: Authentication, max = 100): void {
  const clients = new LRUCache<string, Promise<ConnectorClient>>({ max });
  const createFactory = auth.createConnectorFactory.bind(auth);
  auth.createConnectorFactory = (claimsIdentity: ClaimsIdentity) => {
    const factory = createFactory(claimsIdentity);
    const identity = claimsIdentity.claims.map((c) => `${c.type}=${c.value}`).join('&');
    return {
      create(serviceUrl: string, audience?: string) {
        const key = JSON.stringify([identity, serviceUrl, audience ?? null]);
        let client = clients.get(key);
        if (!client) {
          client = factory.create(serviceUrl, audience);
          clients.set(key, client);
          // A failed creation (credentials refused, say) is not kept: the next send asks again.
          client.catch(() => clients.delete(key));
        }
        return client;
      },
    } satisfies ConnectorFactory;
  };
}
