// A request card the front door sends as a reply is one more copy of that request's card: recorded, so every
// later change of state edits it too (see requests/card-copies).
import type { TurnContext } from 'botbuilder';
import type { BotContext } from './context.js';
import { referenceFor } from './conversation-references.js';
import { isSharedConversation } from './visibility.js';

export async function recordSentCopy(
  bot: BotContext,
  context: TurnContext,
  request: { id: string; version: number },
  activityId: string | undefined,
  audience: 'requester' | 'readonly',
): Promise<void> {
  const ref = referenceFor(context.activity);
  if (!activityId || !ref) return;
  const shared = isSharedConversation(context.activity);
  await bot.service.recordCopy(request.id, {
    conversationKey: ref.key,
    updateOf: `activity:${activityId}`,
    view: shared ? `${audience}-shared` : audience,
    version: request.version,
  });
}
