// The Notifier over the Bot Connector protocol: proactive sends and in-place updates through CloudAdapter.
import type { TeamsAdapter as CloudAdapter } from '@microsoft/teams-ai';
import type { ConversationReference, TurnContext } from 'botbuilder';
import type { Activity } from '../outbox/messages.js';
import { type Notifier, toDeliveryError } from '../outbox/notifier.js';

export class TeamsNotifier implements Notifier {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
  ) {}

  async send(reference: Record<string, unknown>, activity: Activity): Promise<{ activityId?: string }> {
    let activityId: string | undefined;
    try {
      await this.adapter.continueConversationAsync(
        this.botAppId,
        reference as Partial<ConversationReference>,
        async (context) => {
          withoutSdkRetries(context);
          const response = await context.sendActivity(activity);
          activityId = response?.id;
        },
      );
    } catch (error) {
      throw toDeliveryError(error);
    }
    return { activityId };
  }

  async update(reference: Record<string, unknown>, activityId: string, activity: Activity): Promise<void> {
    try {
      await this.adapter.continueConversationAsync(
        this.botAppId,
        reference as Partial<ConversationReference>,
        async (context) => {
          withoutSdkRetries(context);
          await context.updateActivity({ ...activity, id: activityId });
        },
      );
    } catch (error) {
      throw toDeliveryError(error);
    }
  }
}

/**
 * The outbox worker owns retries and pacing. The connector client's own retry policy would absorb 429s (sleeping
 * Retry-After unseen, outside the pacer and the attempt count), so it is taken out of this turn's pipeline.
 */
function withoutSdkRetries(context: TurnContext): void {
  const client = context.turnState.get(context.adapter.ConnectorClientKey) as
    | { client?: { pipeline?: { removePolicy(options: { phase: string }): unknown } } }
    | undefined;
  client?.client?.pipeline?.removePolicy({ phase: 'Retry' });
}
