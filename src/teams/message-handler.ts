// Text messages: understand, then act through the governance service. Every answer is polite and says
// what happens next; nothing is filed unless the environment (and every other name) resolved clearly.
import type { TurnContext } from 'botbuilder';
import { parseIntent } from '../intake/parse.js';
import { resolveEnvironment } from '../intake/resolve.js';
import type { RequestDetails } from '../requests/model.js';
import type { ChannelKind } from '../storage/store.js';
import { requestCard } from './cards/composer.js';
import type { BotContext } from './context.js';
import { channelDataOf, referenceFor } from './conversation-references.js';
import { cardReply, helpCard, requestListCard, textReply } from './replies.js';

export class MessageHandler {
  constructor(private readonly bot: BotContext) {}

  async handle(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const userId = activity.from?.aadObjectId;
    const intent = parseIntent(activity.text ?? '');
    this.bot.log.debug(
      { intent: intent.kind, conversation: activity.conversation?.conversationType },
      'message understood',
    );
    if (!userId) {
      await context.sendActivity(
        textReply("I can't tell who you are (no Entra user id on your message), so I can't help here."),
      );
      return;
    }
    switch (intent.kind) {
      case 'set-channel':
        return this.setChannel(context, userId, intent.channel);
      case 'maker-role':
        return this.fileMakerRole(context, userId, intent.environment, intent.justification);
      case 'decide': {
        const result = await this.bot.service.decide({
          requestId: intent.requestId,
          actorId: userId,
          actorName: activity.from.name,
          verdict: intent.verdict,
          comment: intent.comment,
          correlationId: activity.id,
        });
        this.bot.kick();
        if (result.kind === 'unknown-request') return void (await context.sendActivity(textReply(result.message)));
        const notice =
          result.kind === 'refused'
            ? ({ text: result.refusal.message, tone: 'warning' } as const)
            : ({
                text: `You ${intent.verdict === 'approve' ? 'approved' : 'rejected'} ${result.request.id}.`,
                tone: 'good',
              } as const);
        await context.sendActivity(cardReply(requestCard(result.request, 'readonly', notice)));
        return;
      }
      case 'status': {
        const request = intent.requestId ? await this.bot.store.requests.get(intent.requestId) : undefined;
        if (!request || (request.requester.id !== userId && !(await this.isApprover(userId)))) {
          await context.sendActivity(
            textReply(`I can't find ${intent.requestId ?? 'that request'} among the requests you can see.`),
          );
          return;
        }
        await context.sendActivity(
          cardReply(requestCard(request, request.requester.id === userId ? 'requester' : 'readonly')),
        );
        return;
      }
      case 'list-mine': {
        const mine = await this.bot.store.requests.list({ requesterId: userId, limit: 20 });
        await context.sendActivity(cardReply(requestListCard('Your requests', mine, 'You have no requests yet.')));
        return;
      }
      case 'list-pending': {
        if (!(await this.isApprover(userId))) {
          await context.sendActivity(
            textReply('Only approvers can list pending requests. You can ask for "my requests".'),
          );
          return;
        }
        const pending = await this.bot.store.requests.list({ status: ['pending'], limit: 20 });
        await context.sendActivity(
          cardReply(requestListCard('Pending requests', pending, 'Nothing is waiting for approval.')),
        );
        return;
      }
      case 'cancel': {
        if (!intent.requestId) {
          await context.sendActivity(textReply('Which request should I cancel? Say for example "cancel REQ-1001".'));
          return;
        }
        const result = await this.bot.service.cancel(intent.requestId, userId);
        this.bot.kick();
        await context.sendActivity(
          textReply(
            result.kind === 'decided'
              ? `${result.request.id} is cancelled; nothing was changed.`
              : result.kind === 'refused'
                ? result.refusal.message
                : result.message,
          ),
        );
        return;
      }
      case 'help':
        await context.sendActivity(cardReply(helpCard(), 'What I can do'));
        return;
      case 'greeting':
        await context.sendActivity(
          textReply(
            `Hello ${activity.from.name ?? ''}! Ask me for a maker role, a connector or an environment, or type "help".`.replace(
              '  ',
              ' ',
            ),
          ),
        );
        return;
      case 'thanks':
        await context.sendActivity(textReply('You\'re welcome! Type "help" any time to see what I can do.'));
        return;
      case 'unblock-connector':
      case 'new-environment':
      case 'unknown':
        await context.sendActivity(
          textReply(
            'Sorry, I didn\'t understand that. Type "help" to see what I can do, for example "I need the Environment Maker role in Contoso Dev".',
          ),
        );
        return;
      default: {
        const never: never = intent;
        return never;
      }
    }
  }

  async isApprover(userId: string): Promise<boolean> {
    const group = this.bot.config.APPROVER_GROUP_ID;
    return (await this.bot.tenant.memberOfGroups(userId, [group])).includes(group);
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

  private async fileMakerRole(
    context: TurnContext,
    userId: string,
    environmentText: string | undefined,
    justification: string | undefined,
  ): Promise<void> {
    const { environments } = await this.bot.catalogue.get();
    if (!environmentText) {
      const names = environments.filter((e) => !e.isDefault).map((e) => e.displayName);
      await context.sendActivity(
        textReply(
          `In which environment? For example "maker role in ${names[0] ?? 'Contoso Dev'}". Environments: ${names.join(', ')}.`,
        ),
      );
      return;
    }
    const match = resolveEnvironment(environmentText, environments);
    if (match.kind === 'none') {
      const close = match.suggestions.map((e) => e.displayName);
      await context.sendActivity(
        textReply(
          `I couldn't find an environment called "${environmentText}".${close.length ? ` Did you mean: ${close.join(', ')}?` : ''}`,
        ),
      );
      return;
    }
    if (match.kind === 'ambiguous') {
      await context.sendActivity(
        textReply(
          `"${environmentText}" matches several environments: ${match.candidates.map((e) => e.displayName).join(', ')}. Which one?`,
        ),
      );
      return;
    }
    const env = match.value;
    const details: RequestDetails = {
      type: 'maker-role',
      environment: {
        id: env.id,
        displayName: env.displayName,
        sku: env.sku,
        location: env.location,
        azureRegion: env.azureRegion,
        hasDataverse: env.hasDataverse,
        isDefault: env.isDefault,
        instanceApiUrl: env.instanceApiUrl,
      },
    };
    await this.file(context, userId, details, justification);
  }

  async file(context: TurnContext, userId: string, details: RequestDetails, justification: string | undefined) {
    const result = await this.bot.service.file({
      requesterId: userId,
      details,
      justification,
      correlationId: context.activity.id,
    });
    this.bot.kick();
    switch (result.kind) {
      case 'unknown-requester':
      case 'satisfied':
        await context.sendActivity(textReply(result.message));
        return;
      case 'duplicate':
        await context.sendActivity(
          cardReply(
            requestCard(result.request, 'requester', {
              text: `You already asked for this: ${result.request.id} is ${result.request.status}.`,
              tone: 'info',
            }),
          ),
        );
        return;
      case 'denied':
        await context.sendActivity(
          cardReply(requestCard(result.request, 'requester', { text: `Not allowed: ${result.reason}`, tone: 'error' })),
        );
        return;
      case 'filed': {
        const notice = result.approvalsChannelMissing
          ? ({
              text: 'Received and stored. No approvals channel is set up yet, so it waits until an admin sets one; nothing is lost.',
              tone: 'warning',
            } as const)
          : ({
              text: `Received. I've sent it to ${result.request.stages[0]?.groupName ?? 'the approvers'}.`,
              tone: 'good',
            } as const);
        const sent = await context.sendActivity(
          cardReply(requestCard(result.request, 'requester', notice), `${result.request.id} received`),
        );
        if (sent?.id)
          await this.bot.service.attachReceipt(result.request.id, context.activity.conversation.id, sent.id);
        return;
      }
      default: {
        const never: never = result;
        return never;
      }
    }
  }
}
