// The Bot Framework adapter. With BOT_ID set every incoming request must carry a valid Bot Framework JWT
// (CloudAdapter validates it); without it the bot runs anonymous, for local emulators, on loopback only.

// The module, not the package index: the index also loads the AI half (planners, tokenizers, ~15 MB resident).
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter.js';
import {
  type Activity,
  type ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { Config } from '../config/config.js';
import { reuseProactiveConnectors } from './proactive-connectors.js';
import { reuseTurnConnectors } from './turn-connectors.js';

/** What the SDK's token check gives (botframework-connector's type, which botbuilder does not re-export). */
export type AuthenticateRequestResult = Awaited<
  ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>
>;

/**
 * The Teams adapter whose turns reuse their connector clients (proactive-connectors.ts, turn-connectors.ts), and
 * whose token check the server can run apart from the turn (server.ts answers a refused token itself).
 */
export class GovernanceAdapter extends TeamsAdapter {
  constructor(...args: ConstructorParameters<typeof TeamsAdapter>) {
    super(...args);
    reuseProactiveConnectors(this.botFrameworkAuthentication);
    reuseTurnConnectors(this.botFrameworkAuthentication);
  }

  /** The SDK's check of an incoming request's token (signature by Bot Framework's keys, audience, issuer). */
  authenticate(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
  }

  /** Runs the turn of an activity whose token authenticate() accepted (not checked again). */
  runAuthenticated(
    authenticated: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authenticated, activity, logic);
  }
}

export function createAdapter(config: Config): GovernanceAdapter {
  const credentials = new ConfigurationServiceClientCredentialFactory({
    MicrosoftAppId: config.BOT_ID ?? '',
    MicrosoftAppPassword: config.BOT_PASSWORD ?? '',
    MicrosoftAppType: config.BOT_ID ? config.BOT_TYPE : '',
    MicrosoftAppTenantId: config.BOT_TENANT_ID ?? '',
  });
  return new GovernanceAdapter(
    { MicrosoftAppId: config.BOT_ID ?? '', MicrosoftAppTenantId: config.BOT_TENANT_ID ?? '' },
    credentials,
  );
}
