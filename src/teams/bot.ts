// The Teams front door: teams-ai Application routes (messages, installs, card actions) onto the handlers.
// Libraries' seldom-used dependencies load only when used (app.ts imports this first of all).
import './deferred-modules.js';
import type { AdaptiveCard, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
// The module, not the package index: the index also loads the AI half (planners, tokenizers, ~15 MB resident).
import { Application } from '@microsoft/teams-ai/lib/Application.js';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { CardActionHandler } from './card-action-handler.js';
import type { BotContext } from './context.js';
import { channelDataOf, referenceFor } from './conversation-references.js';
import { DraftActionHandler } from './draft-action-handler.js';
import { MessageHandler } from './message-handler.js';
import { RememberedConversations } from './remembered-conversations.js';
import { textReply } from './replies.js';

export function createBotApplication(adapter: TeamsAdapter, bot: BotContext): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter,
    botAppId: bot.config.BOT_ID ?? '',
    // No turn-state storage: no handler reads or writes teams-ai's conversation or user state (what the bot keeps
    // is in its store), and a MemoryStorage was read and its scopes compared on every turn for nothing. Without one
    // each turn starts from empty scopes, which is what the never-written MemoryStorage gave back.
    removeRecipientMention: true,
    startTypingTimer: true,
    longRunningMessages: false,
  });
  const messages = new MessageHandler(bot);
  const cards = new CardActionHandler(bot);
  const conversations = new RememberedConversations(bot.store, bot.clock);

  // Every activity refreshes the stored conversation reference: what proactive messages need later.
  app.turn('beforeTurn', async (context) => {
    const ref = referenceFor(context.activity);
    if (ref) await conversations.remember(ref.key, ref.reference as Record<string, unknown>);
    await bot.teamsUsers?.remember(context.activity.from?.aadObjectId, context.activity.from?.id);
    return true;
  });

  app.conversationUpdate('membersAdded', async (context) => {
    const botId = context.activity.recipient?.id;
    const added = context.activity.membersAdded ?? [];
    if (added.some((m) => m.id === botId)) {
      const inTeam = Boolean(channelDataOf(context.activity).team?.id);
      await bot.store.audit.append({
        at: bot.clock().toISOString(),
        actorId: context.activity.from?.aadObjectId ?? 'unknown',
        action: 'bot.installed',
        outcome: 'info',
        targetType: inTeam ? 'team' : (context.activity.conversation?.conversationType ?? 'personal'),
        targetId: channelDataOf(context.activity).team?.id ?? context.activity.conversation?.id,
      });
      await context.sendActivity(
        textReply(
          inTeam
            ? await teamWelcome(bot)
            : 'Hi! I can get you the Environment Maker role, unblock a connector or ask for a new environment. Type "help" to see how.',
        ),
      );
    }
  });

  // Our cards are plain JSON objects; teams-ai's AdaptiveCard type only names the `type` field.
  const asCard = (card: Promise<Record<string, unknown>>) => card as Promise<AdaptiveCard>;
  app.adaptiveCards.actionExecute('approve', (context, _state, data) => asCard(cards.decide(context, 'approve', data)));
  app.adaptiveCards.actionExecute('reject', (context, _state, data) => asCard(cards.decide(context, 'reject', data)));
  app.adaptiveCards.actionExecute('cancel', (context, _state, data) => asCard(cards.cancel(context, data)));
  app.adaptiveCards.actionExecute(['refresh', 'showRequest'], (context, _state, data) =>
    asCard(cards.show(context, data)),
  );
  app.adaptiveCards.actionExecute('why', (context, _state, data) => asCard(cards.show(context, data, true)));
  app.adaptiveCards.actionExecute('needInfo', (context, _state, data) => asCard(cards.needInfo(context, data)));
  app.adaptiveCards.actionExecute('answerInfo', (context, _state, data) => asCard(cards.answerInfo(context, data)));
  app.adaptiveCards.actionExecute('extend', (context, _state, data) => asCard(cards.extend(context, data)));
  const drafts = new DraftActionHandler(bot, messages);
  app.adaptiveCards.actionExecute('chooseOption', (context, _state, data) => asCard(drafts.choose(context, data)));
  app.adaptiveCards.actionExecute('confirmDraft', (context, _state, data) => asCard(drafts.confirm(context, data)));
  app.adaptiveCards.actionExecute('changeDraft', (context, _state, data) => asCard(drafts.change(context, data)));
  app.adaptiveCards.actionExecute('cancelDraft', (context, _state, data) => asCard(drafts.cancelDraft(context, data)));
  app.adaptiveCards.actionExecute('listMine', (context, _state, data) => asCard(drafts.listMine(context, data)));
  app.adaptiveCards.actionExecute('listPending', (context, _state, data) => asCard(drafts.listPending(context, data)));
  app.adaptiveCards.actionExecute('cancelAsk', (context, _state, data) => asCard(drafts.cancelAsk(context, data)));
  app.adaptiveCards.actionExecute('cancelConfirm', (context, _state, data) =>
    asCard(drafts.cancelConfirm(context, data)),
  );
  app.adaptiveCards.actionExecute('confirmRelease', (context, _state, data) =>
    asCard(messages.releases.confirm(context, data)),
  );
  app.adaptiveCards.actionExecute('keepAccess', (context, _state, data) =>
    asCard(messages.releases.keep(context, data)),
  );
  app.adaptiveCards.actionExecute(/.*/, (context) => asCard(cards.unknownVerb(context)));

  app.activity(ActivityTypes.Message, async (context) => {
    if (!(await firstDelivery(context, bot))) return;
    await messages.handle(context);
  });

  app.error(async (context, error) => {
    bot.log.error({ err: error, activityType: context.activity.type }, 'turn failed');
    if (context.activity.type !== ActivityTypes.Message) return;
    try {
      await context.sendActivity(
        textReply('Sorry, something went wrong on my side. Nothing was changed; please try again in a minute.'),
      );
    } catch (sendError) {
      // Often the same unreachable connector: logged here, not thrown, so the caller gets no HTTP 500
      // carrying our internal error and the SDK does not dump it outside the structured log.
      bot.log.warn({ err: sendError }, 'could not send the apology for a failed turn');
    }
  });
  return app;
}

/** The welcome in a team: how to set up only the channels that are not set yet (a reinstall must not ask again). */
async function teamWelcome(bot: BotContext): Promise<string> {
  const kinds = ['approvals', 'audit', 'notifications'] as const;
  const set = await Promise.all(kinds.map(async (kind) => (await bot.store.channels.get(kind)) !== undefined));
  const missing = kinds.filter((_, i) => !set[i]);
  const intro = 'Hi! I route Power Platform requests to approvers.';
  if (set[0] === false)
    return `${intro} An approver can type "@Governance set approvals channel" (also audit and notifications) in the channels to use.`;
  const setUp = ' The approvals channel is set up: approval cards go there.';
  const rest =
    missing.length > 0
      ? ` An approver can still pick a channel for ${missing.join(' and ')} ("@Governance set ${missing[0]} channel").`
      : '';
  return `${intro}${setUp}${rest} Mention me with what you need, or "@Governance help".`;
}

/** A redelivered message (same activity id in the same conversation) is answered once only. */
async function firstDelivery(context: TurnContext, bot: BotContext): Promise<boolean> {
  const id = context.activity.id;
  if (!id) return true;
  return bot.store.kv.setIfAbsent(`activity:${context.activity.conversation?.id}:${id}`, bot.clock().toISOString());
}
