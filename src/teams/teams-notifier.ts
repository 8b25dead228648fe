// The Notifier over the Bot Connector protocol: proactive sends and in-place updates through CloudAdapter.
import type { TeamsAdapter as CloudAdapter } from '@microsoft/teams-ai';
import type { ConversationReference } from 'botbuilder';
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
          await context.updateActivity({ ...activity, id: activityId });
        },
      );
    } catch (error) {
      throw toDeliveryError(error);
    }
  }
}
