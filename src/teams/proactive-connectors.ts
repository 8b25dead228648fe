// botbuilder builds every proactive turn (each outbox send) from scratch: a connector factory, its credentials, a
// connector client and a user-token client, each with a new HTTP pipeline, for one call. In the filing profile that
// was a visible share of an outbox send's CPU (createPipelineFromOptions among the top self-time entries). Neither
// client holds anything per conversation or per call, and their credentials fetch and cache their own tokens
// (renewed as they expire), so one of each per bot identity (and service URL and audience) serves every proactive
// send. Turns that answer an incoming activity are left as they are: botbuilder builds their clients from the
// request's own authentication.
import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { LRUCache } from 'lru-cache';
import { once } from './client-cache.js';

type Authentication = Pick<ConfigurationBotFrameworkAuthentication, 'createConnectorFactory' | 'createUserTokenClient'>;
type ClaimsIdentity = Parameters<Authentication['createConnectorFactory']>[0];
type ConnectorFactory = ReturnType<Authentication['createConnectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;
type UserTokenClient = Awaited<ReturnType<Authentication['createUserTokenClient']>>;

/**
 * Makes `auth` hand proactive turns one connector client per identity, service URL and audience, and one user-token
 * client per identity. botbuilder asks for a connector factory only in proactive turns, and then, with the same
 * claims identity, for the turn's user-token client: that identity is how the second call is told from an incoming
 * turn's.
 */
export function reuseProactiveConnectors(auth: Authentication, max = 100): void {
  const clients = new LRUCache<string, Promise<ConnectorClient>>({ max });
  const userTokenClients = new LRUCache<string, Promise<UserTokenClient>>({ max });
  const proactive = new WeakSet<ClaimsIdentity>();
  const createFactory = auth.createConnectorFactory.bind(auth);
  const createUserTokenClient = auth.createUserTokenClient.bind(auth);

  auth.createConnectorFactory = (claimsIdentity: ClaimsIdentity) => {
    proactive.add(claimsIdentity);
    const factory = createFactory(claimsIdentity);
    const identity = identityOf(claimsIdentity);
    return {
      create: (serviceUrl: string, audience?: string) =>
        once(clients, JSON.stringify([identity, serviceUrl, audience ?? null]), () =>
          factory.create(serviceUrl, audience),
        ),
    } satisfies ConnectorFactory;
  };

  auth.createUserTokenClient = (claimsIdentity: ClaimsIdentity) =>
    proactive.has(claimsIdentity)
      ? once(userTokenClients, identityOf(claimsIdentity), () => createUserTokenClient(claimsIdentity))
      : createUserTokenClient(claimsIdentity);
}

function identityOf(claimsIdentity: ClaimsIdentity): string {
  return JSON.stringify(claimsIdentity.claims.map((c) => [c.type, c.value]));
}
