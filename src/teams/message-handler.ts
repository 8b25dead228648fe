// Text messages: understand (parse + resolve against the catalogue), log why, then either continue the
// open draft, start a request dialogue, or answer (status, lists, cancel, approvals, channels, help).
import type { TurnContext } from 'botbuilder';
import type { CatalogueSnapshot } from '../intake/catalogue.js';
import { parserSuffices, resolveExtraction } from '../intake/extraction.js';
import { cleanText, isRequestIntent } from '../intake/intent.js';
import { explain, type Understanding, understand } from '../intake/understand.js';
import { FINAL_STATUSES } from '../requests/model.js';
import type { ChannelKind } from '../storage/store.js';
import { requestCard } from './cards/composer.js';
import type { BotContext } from './context.js';
import { channelDataOf, referenceFor } from './conversation-references.js';
import { DialogueManager } from './dialogue-manager.js';
import { cancelConfirmCard, cardReply, helpCard, requestListCard, textReply } from './replies.js';

const HELP_POINTER =
  'Type "help" to see what I can do, for example "I need the Environment Maker role in Contoso Dev".';

export class MessageHandler {
  readonly dialogue: DialogueManager;

  constructor(private readonly bot: BotContext) {
    this.dialogue = new DialogueManager(bot);
  }

  async handle(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const userId = activity.from?.aadObjectId;
    if (!userId) {
      await context.sendActivity(
        textReply("I can't tell who you are (no Entra user id on your message), so I can't help here."),
      );
      return;
    }
    const snapshot = await this.bot.catalogue.get();
    const draft = await this.dialogue.drafts.get(userId, activity.conversation.id);
    const u = await this.read(context, snapshot, userId, Boolean(draft));
    this.bot.log.debug({ ...explain(u), conversation: activity.conversation?.conversationType }, 'message understood');

    if (draft && (await this.dialogue.onMessageWithDraft(context, draft, u, snapshot))) return;
    if (isRequestIntent(u.kind)) return this.dialogue.start(context, u, u.kind, userId, snapshot);
    return this.answer(context, userId, u);
  }

  /**
   * The deterministic parser's reading, or, when a language model is configured, the model's reading resolved
   * like typed names on top of it. The parser alone answers the bot's open questions and reads commands
   * with ids ("approve REQ-12"); if the model fails or is slow, the parser's reading stands.
   */
  private async read(
    context: TurnContext,
    snapshot: CatalogueSnapshot,
    userId: string,
    draftOpen: boolean,
  ): Promise<Understanding> {
    const text = context.activity.text ?? '';
    const parsed = understand(text, snapshot, { requesterId: userId, now: this.bot.clock() });
    const model = this.bot.languageModel;
    if (!model || draftOpen || parserSuffices(parsed) || cleanText(text).length === 0) return parsed;
    const extraction = await model.extract(context, cleanText(text));
    return extraction ? resolveExtraction(parsed, extraction, snapshot, userId) : parsed;
  }

  private async answer(context: TurnContext, userId: string, u: Understanding): Promise<void> {
    const activity = context.activity;
    const p = u.parsed;
    switch (u.kind) {
      case 'set-channel':
        return this.setChannel(context, userId, p.channel ?? 'approvals');
      case 'decide': {
        const requestId = p.requestIds[0];
        if (!requestId || !p.verdict)
          return void (await context.sendActivity(
            textReply('Which request? Say for example "approve REQ-1001 looks fine".'),
          ));
        const result = await this.bot.service.decide({
          requestId,
          actorId: userId,
          actorName: activity.from.name,
          verdict: p.verdict,
          comment: p.comment,
          correlationId: activity.id,
        });
        this.bot.kick();
        if (result.kind === 'unknown-request') return void (await context.sendActivity(textReply(result.message)));
        const notice =
          result.kind === 'refused'
            ? ({ text: result.refusal.message, tone: 'warning' } as const)
            : ({
                text: `You ${p.verdict === 'approve' ? 'approved' : 'rejected'} ${result.request.id}.`,
                tone: 'good',
              } as const);
        await context.sendActivity(cardReply(requestCard(result.request, 'readonly', notice)));
        return;
      }
      case 'status':
        return this.status(context, userId, p.requestIds[0]);
      case 'list-mine':
        return this.listMine(context, userId, 0);
      case 'list-pending':
        return this.listPending(context, userId, 0);
      case 'cancel':
        return this.askCancel(context, userId, p.requestIds[0]);
      case 'help':
        await context.sendActivity(cardReply(helpCard(), 'What I can do'));
        return;
      case 'greeting': {
        const name = activity.from.name?.split(' ')[0];
        await context.sendActivity(
          textReply(
            `Hello${name ? ` ${name}` : ''}! I can get you the Environment Maker role, unblock a connector or ask for a new environment. ${HELP_POINTER}`,
          ),
        );
        return;
      }
      case 'thanks':
        await context.sendActivity(textReply('You\'re welcome! Type "help" any time to see what I can do.'));
        return;
      default:
        await context.sendActivity(textReply(`Sorry, I can only help with Power Platform requests. ${HELP_POINTER}`));
        return;
    }
  }

  async isApprover(userId: string): Promise<boolean> {
    const group = this.bot.config.APPROVER_GROUP_ID;
    return (await this.bot.tenant.memberOfGroups(userId, [group])).includes(group);
  }

  private async status(context: TurnContext, userId: string, requestId: string | undefined): Promise<void> {
    if (!requestId) {
      // "what's happening with my request": the open ones, or the latest when none is open.
      const mine = await this.bot.store.requests.list({ requesterId: userId, limit: 50 });
      const open = mine.filter((r) => !FINAL_STATUSES.includes(r.status));
      const only = open.length === 1 ? open[0] : open.length === 0 ? mine[0] : undefined;
      if (only)
        return void (await context.sendActivity(
          cardReply(requestCard(only, 'requester'), `${only.id}: ${only.status}`),
        ));
      return this.listMine(context, userId, 0, open.length > 0 ? 'Your open requests' : undefined);
    }
    const request = await this.bot.store.requests.get(requestId);
    if (!request || (request.requester.id !== userId && !(await this.isApprover(userId)))) {
      await context.sendActivity(textReply(`I can't find ${requestId} among the requests you can see.`));
      return;
    }
    await context.sendActivity(
      cardReply(
        requestCard(request, request.requester.id === userId ? 'requester' : 'readonly'),
        `${request.id}: ${request.status}`,
      ),
    );
  }

  async listMineCard(userId: string, page: number, title = 'Your requests') {
    const mine = await this.bot.store.requests.list({ requesterId: userId, limit: 200 });
    return requestListCard({
      title,
      requests: mine,
      empty: 'You have no requests yet. Type "help" to see what you can ask for.',
      page,
      verb: 'listMine',
      viewerId: userId,
    });
  }

  async listPendingCard(userId: string, page: number) {
    if (!(await this.isApprover(userId))) return undefined;
    const pending = await this.bot.store.requests.list({ status: ['pending'], limit: 200 });
    return requestListCard({
      title: 'Pending requests',
      requests: pending,
      empty: 'Nothing is waiting for approval.',
      page,
      verb: 'listPending',
      viewerId: userId,
    });
  }

  private async listMine(context: TurnContext, userId: string, page: number, title?: string): Promise<void> {
    await context.sendActivity(cardReply(await this.listMineCard(userId, page, title), 'Your requests'));
  }

  private async listPending(context: TurnContext, userId: string, page: number): Promise<void> {
    const card = await this.listPendingCard(userId, page);
    if (!card)
      return void (await context.sendActivity(
        textReply('Only approvers can list pending requests. You can ask for "my requests".'),
      ));
    await context.sendActivity(cardReply(card, 'Pending requests'));
  }

  /** Cancel asks first; only the requester's own pending requests can be cancelled. */
  private async askCancel(context: TurnContext, userId: string, requestId: string | undefined): Promise<void> {
    if (!requestId) {
      const pending = await this.bot.store.requests.list({ requesterId: userId, status: ['pending'], limit: 50 });
      if (pending.length === 0)
        return void (await context.sendActivity(textReply('You have no pending requests to cancel.')));
      const only = pending[0];
      if (pending.length === 1 && only)
        return void (await context.sendActivity(cardReply(cancelConfirmCard(only), `Cancel ${only.id}?`)));
      await context.sendActivity(
        cardReply(
          requestListCard({
            title: 'Which request should I cancel?',
            requests: pending,
            empty: '',
            page: 0,
            verb: 'listMine',
            viewerId: userId,
          }),
        ),
      );
      return;
    }
    const request = await this.bot.store.requests.get(requestId);
    if (!request || request.requester.id !== userId) {
      await context.sendActivity(textReply(`I can't find ${requestId} among your requests.`));
      return;
    }
    if (request.status !== 'pending') {
      await context.sendActivity(
        textReply(`${request.id} is ${request.status}; only pending requests can be cancelled.`),
      );
      return;
    }
    await context.sendActivity(cardReply(cancelConfirmCard(request), `Cancel ${request.id}?`));
  }

  private async setChannel(context: TurnContext, userId: string, kind: ChannelKind): Promise<void> {
    const activity = context.activity;
    const ref = referenceFor(activity);
    if (!ref || !channelDataOf(activity).channel?.id) {
      await context.sendActivity(textReply(`Please say "set ${kind} channel" in the team channel you want me to use.`));
      return;
    }
    if (!(await this.isApprover(userId))) {
      await this.bot.store.audit.append({
        at: this.bot.clock().toISOString(),
        actorId: userId,
        action: 'channel.set.refused',
        outcome: 'refused',
        targetType: 'channel',
        targetId: kind,
        details: { reason: 'not an approver' },
      });
      await context.sendActivity(textReply(`Sorry, only Power Platform approvers can choose the ${kind} channel.`));
      return;
    }
    const at = this.bot.clock().toISOString();
    await this.bot.store.transaction(async (session) => {
      await session.conversations.upsert({
        key: ref.key,
        reference: ref.reference as Record<string, unknown>,
        updatedAt: at,
      });
      await session.channels.set({ kind, conversationKey: ref.key, setBy: userId, setAt: at });
      await session.audit.append({
        at,
        actorId: userId,
        action: 'channel.set',
        outcome: 'success',
        targetType: 'channel',
        targetId: kind,
        details: { conversationKey: ref.key, channelName: channelDataOf(activity).channel?.name },
      });
    });
    let extra = '';
    if (kind === 'approvals') {
      const posted = await this.bot.service.publishWaitingCards();
      if (posted > 0) extra = ` I'm posting ${posted} request${posted === 1 ? '' : 's'} that were waiting for it.`;
      this.bot.kick();
    }
    await context.sendActivity(textReply(`Done: this channel is now the ${kind} channel.${extra}`));
  }
}
