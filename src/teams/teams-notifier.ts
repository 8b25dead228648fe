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
    await this.inConversation(reference, async (context) => {
      const response = await context.sendActivity(activity);
      activityId = response?.id;
    });
    return { activityId };
  }

  async update(reference: Record<string, unknown>, activityId: string, activity: Activity): Promise<void> {
    await this.inConversation(reference, async (context) => {
      await context.updateActivity({ ...activity, id: activityId });
    });
  }

  /**
   * Runs one connector call in a proactive turn and rethrows its failure as a DeliveryError. The error is caught
   * inside the turn on purpose: an error escaping the callback goes to the adapter's onTurnError (the app's error
   * handler logs it and returns), so continueConversationAsync would resolve and the outbox would mark it sent.
   */
  private async inConversation(
    reference: Record<string, unknown>,
    call: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    let failure: unknown;
    try {
      await this.adapter.continueConversationAsync(
        this.botAppId,
        reference as Partial<ConversationReference>,
        async (context) => {
          withoutSdkRetries(context);
          try {
            await call(context);
          } catch (error) {
            failure = error ?? new Error('the connector call failed');
          }
        },
      );
    } catch (error) {
      failure = error;
    }
    if (failure !== undefined) throw toDeliveryError(failure);
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
