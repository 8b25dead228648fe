// The Bot Framework adapter. With BOT_ID set every incoming request must carry a valid Bot Framework JWT
// (CloudAdapter validates it); without it the bot runs anonymous, for local emulators, on loopback only.

// The module, not the package index: the index also loads the AI half (planners, tokenizers, ~15 MB resident).
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter.js';
import { ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import type { Config } from '../config/config.js';
import { reuseProactiveConnectors } from './proactive-connectors.js';
import { reuseTurnConnectors } from './turn-connectors.js';

/** The Teams adapter whose turns reuse their connector clients: proactive-connectors.ts, turn-connectors.ts. */
class GovernanceAdapter extends TeamsAdapter {
  constructor(...args: ConstructorParameters<typeof TeamsAdapter>) {
    super(...args);
    reuseProactiveConnectors(this.botFrameworkAuthentication);
    reuseTurnConnectors(this.botFrameworkAuthentication);
  }
}

export function createAdapter(config: Config): TeamsAdapter {
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
