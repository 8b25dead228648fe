// Action.Execute invokes. Each answers at once with a card (Teams waits ~10 s at most); slow work runs in
// background jobs that edit the card again later. Card data is untrusted: only the request id is used.
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { type CardNotice, conversationKeys } from '../outbox/messages.js';
import { explainRequest } from '../policy/explain-request.js';
import type { GovernanceRequest } from '../requests/model.js';
import { answerData, decisionData, extendData, parseCardData, questionData, requestRefData } from './card-actions.js';
import { noticeCard, requestCard } from './cards/composer.js';
import { type AdaptiveCard, plain } from './cards/template.js';
import type { BotContext } from './context.js';
import {
  auditUnseen,
  isSharedConversation,
  maySeeRequest,
  notFoundCard,
  seenRequest,
  visibleRequest,
} from './visibility.js';
import { whoDecidesFor } from './who-decides-answer.js';

export class CardActionHandler {
  constructor(private readonly bot: BotContext) {}

  private malformed(verb: string, userId: string | undefined, data: unknown): Promise<AdaptiveCard> {
    return this.bot.store.audit
      .append({
        at: this.bot.clock().toISOString(),
        actorId: userId ?? 'unknown',
        action: `card.${verb}.refused`,
        outcome: 'refused',
        details: {
          code: 'MALFORMED_ACTION',
          keys: data && typeof data === 'object' ? Object.keys(data).slice(0, 10) : [],
        },
      })
      .then(() =>
        noticeCard({
          title: 'This card action could not be read',
          color: 'Attention',
          text: 'The button did not carry a valid request id, so nothing was changed. Open the request from "my requests" or "pending requests" and try again.',
        }),
      );
  }

  /** The view for this reader, decided from stored state and the directory: never from the card. */
  private async viewFor(
    request: GovernanceRequest,
    userId: string | undefined,
    notice?: CardNotice,
    withRefresh = false,
  ) {
    // A forged or guessed request id shows nothing to someone who is neither its requester nor an approver:
    // the same answer as for an id that does not exist.
    if (!(await maySeeRequest(this.bot, request, userId))) return notFoundCard(request.id);
    // Only the automatic refresh answers with a refresh block: teams-ai turns any other card carrying one into
    // an edit of the message for everyone, which would replace the channel's base card with one reader's view.
    const refresh = withRefresh ? (this.bot.stageApprovers?.(request) ?? []) : [];
    if (userId === request.requester.id) return requestCard(request, 'requester', notice, refresh);
    const approver = userId !== undefined && (await this.isStageApprover(request, userId));
    return requestCard(request, approver ? 'approver' : 'readonly', notice, refresh);
  }

  /** Visibility first, on every verb: undefined (and audited) when the request is unknown or not this user's. */
  private async seen(verb: string, requestId: string, userId: string): Promise<GovernanceRequest | undefined> {
    const request = await visibleRequest(this.bot, requestId, userId);
    if (!request) await auditUnseen(this.bot, userId, `card.${verb}.refused`, requestId);
    return request;
  }

  /** Buttons only for someone who may decide the stage now waiting: the decide path's own check, from stored state. */
  private async isStageApprover(request: GovernanceRequest, userId: string): Promise<boolean> {
    return this.bot.service.mayDecideNow(request, userId);
  }

  /** "Need more info": the approver's question (typed in the comment box) goes to the requester in chat. */
  async needInfo(context: TurnContext, data: unknown): Promise<AdaptiveCard> {
    const userId = context.activity.from?.aadObjectId;
    const parsed = parseCardData(questionData, data);
    if (!parsed.ok || !userId || !this.bot.lifecycle) return this.malformed('needInfo', userId, data);
    if (!(await this.seen('needInfo', parsed.value.requestId, userId))) return notFoundCard(parsed.value.requestId);
    const result = await this.bot.lifecycle.askForInfo(parsed.value.requestId, userId, parsed.value.comment ?? '');
    this.bot.kick();
    if (!result.request) return notFoundCard(parsed.value.requestId);
    if (result.kind === 'refused')
      return this.viewFor(result.request, userId, { text: result.message, tone: 'warning' });
    return this.viewFor(result.request, userId, {
      text: `Your question was sent to ${result.request.requester.displayName}; their answer will appear on this card.`,
      tone: 'good',
    });
  }

  /** The requester's answer to an approver's question, from the card in their chat. */
  async answerInfo(context: TurnContext, data: unknown): Promise<AdaptiveCard> {
    const userId = context.activity.from?.aadObjectId;
    const parsed = parseCardData(answerData, data);
    if (!parsed.ok || !userId || !this.bot.lifecycle) return this.malformed('answerInfo', userId, data);
    if (!(await this.seen('answerInfo', parsed.value.requestId, userId))) return notFoundCard(parsed.value.requestId);
    const result = await this.bot.lifecycle.answerInfo(parsed.value.requestId, userId, parsed.value.answer ?? '');
    this.bot.kick();
    if (!result.request) return notFoundCard(parsed.value.requestId);
    if (result.kind === 'refused')
      return this.viewFor(result.request, userId, { text: result.message, tone: 'warning' });
    return this.viewFor(result.request, userId, {
      text: 'Thanks, your answer was added to the request.',
      tone: 'good',
    });
  }

  /** The requester asks to keep a time-bound grant longer: a new request, routed by the policy. */
  async extend(context: TurnContext, data: unknown): Promise<AdaptiveCard> {
    const userId = context.activity.from?.aadObjectId;
    const parsed = parseCardData(extendData, data);
    if (!parsed.ok || !userId || !this.bot.lifecycle) return this.malformed('extend', userId, data);
    const original = await this.seen('extend', parsed.value.requestId, userId);
    // Only the requester extends; an approver who may see the request gets the same answer as anyone else.
    if (original?.requester.id !== userId) return notFoundCard(parsed.value.requestId);
    const result = await this.bot.lifecycle.requestExtension(
      parsed.value.requestId,
      userId,
      parsed.value.duration ?? 'P14D',
    );
    this.bot.kick();
    switch (result.kind) {
      case 'filed':
        return requestCard(result.request, 'requester', {
          text:
            result.request.status === 'pending'
              ? `Extension asked as ${result.request.id}; it needs approval like a new request.`
              : `Extension ${result.request.id} was approved by rule "${result.request.routing?.ruleId}".`,
          tone: 'good',
        });
      case 'duplicate':
        return requestCard(result.request, 'requester', {
          text: `You already asked: ${result.request.id}.`,
          tone: 'info',
        });
      case 'denied':
        return requestCard(result.request, 'requester', { text: result.reason, tone: 'warning' });
      default:
        return noticeCard({
          title: 'Extension not possible',
          color: 'Attention',
          text: 'message' in result ? plain(result.message) : 'Nothing was changed.',
        });
    }
  }

  async decide(context: TurnContext, verdict: 'approve' | 'reject', data: unknown): Promise<AdaptiveCard> {
    const userId = context.activity.from?.aadObjectId;
    const parsed = parseCardData(decisionData, data);
    if (!parsed.ok || !userId) return this.malformed(verdict, userId, data);
    const seen = await seenRequest(this.bot, parsed.value.requestId, userId);
    if (!seen) {
      await auditUnseen(this.bot, userId, `card.${verdict}.refused`, parsed.value.requestId);
      return notFoundCard(parsed.value.requestId);
    }
    const result = await this.bot.service.decide(
      {
        requestId: parsed.value.requestId,
        actorId: userId,
        actorName: context.activity.from.name,
        verdict,
        comment: parsed.value.comment?.trim() || undefined,
        cardRevision: parsed.value.revision,
        correlationId: context.activity.id,
        choices: { classification: parsed.value.classification, scope: parsed.value.scope },
      },
      seen,
    );
    this.bot.kick();
    if (result.kind === 'unknown-request') return notFoundCard(parsed.value.requestId);
    if (result.kind === 'refused') {
      return this.viewFor(result.request, userId, { text: result.refusal.message, tone: 'warning' });
    }
    const r = result.request;
    const notice: CardNotice =
      r.status === 'approved'
        ? { text: `Approved by ${r.decisions.at(-1)?.approver.displayName}; the change is starting.`, tone: 'good' }
        : r.status === 'rejected'
          ? {
              text: `Rejected by ${r.decisions.at(-1)?.approver.displayName}. The requester has been told.`,
              tone: 'info',
            }
          : result.rerouted
            ? { text: `Your approval is recorded. ${result.rerouted}`, tone: 'info' }
            : {
                text: `Your approval is recorded; it now needs ${r.stages.length > 1 ? 'the next stage' : 'another approver'}.`,
                tone: 'good',
              };
    return requestCard(r, 'readonly', notice);
  }

  async cancel(context: TurnContext, data: unknown): Promise<AdaptiveCard> {
    const userId = context.activity.from?.aadObjectId;
    const parsed = parseCardData(requestRefData, data);
    if (!parsed.ok || !userId) return this.malformed('cancel', userId, data);
    if (!(await this.seen('cancel', parsed.value.requestId, userId))) return notFoundCard(parsed.value.requestId);
    const result = await this.bot.service.cancel(parsed.value.requestId, userId);
    this.bot.kick();
    if (result.kind === 'unknown-request') return notFoundCard(parsed.value.requestId);
    if (result.kind === 'refused')
      return this.viewFor(result.request, userId, { text: result.refusal.message, tone: 'warning' });
    return requestCard(result.request, 'requester', { text: 'Cancelled; nothing was changed.', tone: 'info' });
  }

  /** Read-only actions: show the current state (refresh, why, open). */
  async show(context: TurnContext, data: unknown, why = false): Promise<AdaptiveCard> {
    const userId = context.activity.from?.aadObjectId;
    const parsed = parseCardData(requestRefData, data);
    if (!parsed.ok) return this.malformed('show', userId, data);
    // Visibility before anything is explained or rendered ("Who decides?", refresh, open).
    const request = userId ? await this.seen(why ? 'why' : 'show', parsed.value.requestId, userId) : undefined;
    if (!request) return notFoundCard(parsed.value.requestId);
    const notice = why ? await this.whoDecides(request, userId) : undefined;
    const verb = (context.activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
    if (verb === 'showRequest') await this.recordOpened(context, request, userId);
    if (verb !== 'refresh') return this.viewFor(request, userId, notice);
    // The user-specific refresh: answered directly, so this reader's view replaces the card for them alone.
    const card = await this.viewFor(request, userId, notice, true);
    await context.sendActivity({
      type: ActivityTypes.InvokeResponse,
      value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } },
    });
    return card;
  }

  /**
   * "Open" on a list or an update turns that message into one more copy of the request's card: recorded, so later
   * changes of state edit it too. Only in a personal chat (a shared chat's card is edited for everyone).
   */
  private async recordOpened(context: TurnContext, request: GovernanceRequest, userId: string | undefined) {
    const activityId = context.activity.replyToId;
    if (!activityId || !userId || isSharedConversation(context.activity)) return;
    const view =
      userId === request.requester.id
        ? 'requester'
        : (await this.isStageApprover(request, userId))
          ? 'approver'
          : 'readonly';
    await this.bot.service.recordCopy(request.id, {
      conversationKey: conversationKeys.personal(userId),
      updateOf: `activity:${activityId}`,
      view,
      viewerId: userId,
      version: request.version,
    });
  }

  /**
   * "Who decides?": the requester reads one sentence (who, why, how long it usually takes); an approver also
   * gets the rule-by-rule trace. Anyone else gets nothing here (viewFor shows them "Not available").
   */
  private async whoDecides(request: GovernanceRequest, userId: string | undefined): Promise<CardNotice | undefined> {
    const sentence = await whoDecidesFor(this.bot, request);
    if (userId === request.requester.id || !request.routing) return { text: sentence, tone: 'info' };
    if (!(await maySeeRequest(this.bot, request, userId))) return undefined;
    const explained = this.bot.policy ? await explainRequest(request, this.bot.policy, this.bot.tenant) : undefined;
    const considered = (explained?.explanation?.considered ?? []).map(
      (c) => `${c.matched ? '✔' : '✘'} ${c.ruleId}: ${c.because.join('; ')}`,
    );
    const trace = [`Rule "${request.routing.ruleId}" (${request.routing.outcome}).`, ...considered];
    return { text: [sentence, 'Rules considered, in order:', ...trace].join('\n\n'), tone: 'info' };
  }

  async unknownVerb(context: TurnContext): Promise<AdaptiveCard> {
    const verb = String((context.activity.value as { action?: { verb?: unknown } })?.action?.verb ?? '').slice(0, 40);
    return noticeCard({
      title: 'I don’t know that button',
      color: 'Attention',
      text: `The action "${plain(verb)}" is not one I handle (the card may be from an older version of the bot). Nothing was changed.`,
    });
  }
}
