// Every turn that answers an incoming activity (each message, each card click) was given a new connector client and
// a new user-token client: an HTTP pipeline built from scratch (its policies, proxy settings read from the
// environment, log sanitizers), about 5 % of a burst of approve clicks' CPU in a profile, for clients an invoke
// answered in its HTTP response mostly never uses. The request is still authenticated on every turn
// (authenticateRequest validates its token as before); only the clients built for the authenticated bot identity
// are kept, one per app id, service URL and audience, as proactive-connectors.ts does for proactive turns. Kept apart
// from those: a proactive turn takes the SDK's retry policy out of its client (teams-notifier.ts), a reply keeps it.
import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { LRUCache } from 'lru-cache';
import { once } from './client-cache.js';

type Authentication = Pick<ConfigurationBotFrameworkAuthentication, 'authenticateRequest' | 'createUserTokenClient'>;
type AuthenticateResult = Awaited<ReturnType<Authentication['authenticateRequest']>>;
type ClaimsIdentity = AuthenticateResult['claimsIdentity'];
type ConnectorFactory = NonNullable<AuthenticateResult['connectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;
type UserTokenClient = Awaited<ReturnType<Authentication['createUserTokenClient']>>;

/**
 * The bot's app id as botbuilder reads it from an authenticated request (getAppId in botframework-connector): the
 * audience claim, else the appid claim (the emulator's); the factory's clients are built for that id.
 */
function appIdOf(identity: ClaimsIdentity): string | null {
  return identity.getClaimValue('aud') ?? identity.getClaimValue('appid') ?? null;
}

/** Makes `auth` hand incoming turns one connector client per identity, URL and audience, one token client per id. */
export function reuseTurnConnectors(auth: Authentication, max = 100): void {
  const connectors = new LRUCache<string, Promise<ConnectorClient>>({ max });
  const tokenClients = new LRUCache<string, Promise<UserTokenClient>>({ max });
  const authenticate = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity, authHeader) => {
    const result = await authenticate(activity, authHeader);
    const appId = appIdOf(result.claimsIdentity);
    const factory = result.connectorFactory;
    if (!factory) return result;
    const connectorFactory: ConnectorFactory = {
      create: (serviceUrl: string, audience?: string) =>
        once(connectors, JSON.stringify([appId, serviceUrl, audience ?? null]), () =>
          factory.create(serviceUrl, audience),
        ),
    };
    return { ...result, connectorFactory };
  };
  const createUserTokenClient = auth.createUserTokenClient.bind(auth);
  auth.createUserTokenClient = (identity: ClaimsIdentity) =>
    once(tokenClients, JSON.stringify([appIdOf(identity)]), () => createUserTokenClient(identity));
}
