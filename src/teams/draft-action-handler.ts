// Card buttons of the request dialogue (choices, confirm, change, cancel) and of the list cards (pages,
// cancel with confirmation). Card data is untrusted: the draft id must be the user's current draft, an option
// must be one the bot offered, and a request can only be cancelled by its requester while pending.
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { Draft, Slot } from '../intake/draft.js';
import { parseCardData, requestRefData } from './card-actions.js';
import { requestCard } from './cards/composer.js';
import type { AdaptiveCard } from './cards/template.js';
import type { BotContext } from './context.js';
import type { MessageHandler } from './message-handler.js';
import { cancelConfirmCard, doneCard, helpCard } from './replies.js';
import { auditUnseen, notFoundCard } from './visibility.js';

const SLOTS = ['environment', 'connector', 'name', 'sku', 'location', 'dataverse'] as const;
const draftRef = z.object({ draftId: z.string().min(1).max(64) });
const choiceData = draftRef.extend({
  slot: z.enum(SLOTS),
  optionId: z.string().min(1).max(200).optional(),
  option: z.string().min(1).max(200).optional(),
});
const changeData = draftRef.extend({ slot: z.enum(SLOTS).optional() });
const pageData = z.object({ page: z.coerce.number().int().min(0).max(10_000).default(0) });

export class DraftActionHandler {
  constructor(
    private readonly bot: BotContext,
    private readonly messages: MessageHandler,
  ) {}

  private get dialogue() {
    return this.messages.dialogue;
  }

  /** The user's open draft, if the card belongs to it; otherwise undefined (stale or forged card). */
  private async draftFor(context: TurnContext, draftId: string): Promise<Draft | undefined> {
    const userId = context.activity.from?.aadObjectId;
    if (!userId) return undefined;
    const draft = await this.dialogue.drafts.get(userId, context.activity.conversation.id);
    return draft && draft.id === draftId ? draft : undefined;
  }

  private stale(): AdaptiveCard {
    return doneCard(
      'This question is no longer open',
      'It was answered, cancelled or expired. Nothing was changed; type what you need to start again.',
    );
  }

  async choose(context: TurnContext, data: unknown): Promise<AdaptiveCard> {
    const parsed = parseCardData(choiceData, data);
    if (!parsed.ok) return this.stale();
    const draft = await this.draftFor(context, parsed.value.draftId);
    const optionId = parsed.value.optionId ?? parsed.value.option;
    if (!draft || !optionId) return this.stale();
    return this.dialogue.chosen(context, draft, parsed.value.slot as Slot, optionId);
  }

  async confirm(context: TurnContext, data: unknown): Promise<AdaptiveCard> {
    const parsed = parseCardData(draftRef, data);
    const draft = parsed.ok ? await this.draftFor(context, parsed.value.draftId) : undefined;
    if (!draft)
      return doneCard(
        'This summary is no longer open',
        'It was already filed, changed or cancelled; nothing more was filed. See "my requests".',
      );
    return this.dialogue.confirmed(context, draft);
  }

  async change(context: TurnContext, data: unknown): Promise<AdaptiveCard> {
    const parsed = parseCardData(changeData, data);
    const draft = parsed.ok ? await this.draftFor(context, parsed.value.draftId) : undefined;
    if (!draft || !parsed.ok) return this.stale();
    return this.dialogue.change(context, draft, parsed.value.slot as Slot | undefined);
  }

  async cancelDraft(context: TurnContext, data: unknown): Promise<AdaptiveCard> {
    const parsed = parseCardData(draftRef, data);
    const draft = parsed.ok ? await this.draftFor(context, parsed.value.draftId) : undefined;
    if (!draft) return this.stale();
    await this.dialogue.drafts.clear(draft.userId, draft.conversationId);
    return doneCard('Dropped', 'Nothing was filed.');
  }

  async listMine(context: TurnContext, data: unknown): Promise<AdaptiveCard> {
    const userId = context.activity.from?.aadObjectId;
    const parsed = parseCardData(pageData, data);
    if (!userId) return doneCard('I cannot tell who you are');
    return this.messages.listMineCard(userId, parsed.ok ? (parsed.value.page ?? 0) : 0);
  }

  async listPending(context: TurnContext, data: unknown): Promise<AdaptiveCard> {
    const userId = context.activity.from?.aadObjectId;
    const parsed = parseCardData(pageData, data);
    const card = userId
      ? await this.messages.listPendingCard(userId, parsed.ok ? (parsed.value.page ?? 0) : 0)
      : undefined;
    // A maker pressing it on an older or shared help card gets their own help card back, not a refusal.
    return card ?? helpCard('maker');
  }

  /** "Cancel…" on a list: ask first. */
  async cancelAsk(context: TurnContext, data: unknown): Promise<AdaptiveCard> {
    const parsed = parseCardData(requestRefData, data);
    const userId = context.activity.from?.aadObjectId;
    const request = parsed.ok ? await this.bot.store.requests.get(parsed.value.requestId) : undefined;
    if (!request || request.requester.id !== userId) return notFoundCard(parsed.ok ? parsed.value.requestId : '');
    if (request.status !== 'pending')
      return requestCard(request, 'requester', {
        text: `Only pending requests can be cancelled; this one is ${request.status}.`,
        tone: 'warning',
      });
    return cancelConfirmCard(request);
  }

  /** "Yes, cancel it": the service checks requester and state again from storage. */
  async cancelConfirm(context: TurnContext, data: unknown): Promise<AdaptiveCard> {
    const parsed = parseCardData(requestRefData, data);
    const userId = context.activity.from?.aadObjectId;
    if (!parsed.ok || !userId) return doneCard('This card action could not be read', 'Nothing was changed.');
    // Only the requester cancels; anyone else gets the answer for an unknown id (nothing about the request).
    const own = await this.bot.store.requests.get(parsed.value.requestId);
    if (own?.requester.id !== userId) {
      await auditUnseen(this.bot, userId, 'request.cancel.refused', parsed.value.requestId);
      return notFoundCard(parsed.value.requestId);
    }
    const result = await this.bot.service.cancel(parsed.value.requestId, userId);
    this.bot.kick();
    if (result.kind === 'unknown-request') return notFoundCard(parsed.value.requestId);
    if (result.kind === 'refused')
      return requestCard(result.request, 'requester', { text: result.refusal.message, tone: 'warning' });
    return requestCard(result.request, 'requester', { text: 'Cancelled; nothing was changed.', tone: 'info' });
  }
}
