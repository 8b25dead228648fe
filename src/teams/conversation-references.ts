// Conversation references are what a later proactive message needs (serviceUrl, conversation id, tenant).
import { type Activity, type ConversationReference, TurnContext } from 'botbuilder';
import { conversationKeys } from '../outbox/messages.js';

interface TeamsChannelData {
  team?: { id?: string; name?: string };
  channel?: { id?: string; name?: string };
  tenant?: { id?: string };
  eventType?: string;
}

export function channelDataOf(activity: Partial<Activity>): TeamsChannelData {
  return (activity.channelData ?? {}) as TeamsChannelData;
}

/**
 * The key a reference is stored under, and the reference itself (channel threads point at the channel root). A
 * channel's reference names no user: proactive posts go to the channel, not to whoever wrote there last, and a
 * reference that changed with every writer was written again on each approver's click in the approvals channel.
 */
export function referenceFor(
  activity: Activity,
): { key: string; reference: Partial<ConversationReference> } | undefined {
  const reference = TurnContext.getConversationReference(activity);
  const type = activity.conversation?.conversationType;
  const channelData = channelDataOf(activity);
  if (type === 'channel' || channelData.channel?.id) {
    const channelId = channelData.channel?.id ?? activity.conversation.id.split(';')[0] ?? activity.conversation.id;
    return {
      key: conversationKeys.channel(channelId),
      reference: {
        ...reference,
        activityId: undefined,
        user: undefined,
        conversation: { ...reference.conversation, id: channelId, isGroup: true, conversationType: 'channel' } as never,
      },
    };
  }
  if (type === 'groupChat') return { key: conversationKeys.group(activity.conversation.id), reference };
  const aad = activity.from?.aadObjectId;
  if (!aad) return undefined;
  return { key: conversationKeys.personal(aad), reference: { ...reference, activityId: undefined } };
}
