// Text messages: understand (parse + resolve against the catalogue), log why, then either continue the
// open draft, start a request dialogue, or answer (status, lists, cancel, approvals, channels, help).
import type { Activity, TurnContext } from 'botbuilder';
import type { AuditQuery } from '../audit/query.js';
import { auditSummaryCard } from '../audit/summary-card.js';
import type { CatalogueSnapshot } from '../intake/catalogue.js';
import { parserSuffices, resolveExtraction } from '../intake/extraction.js';
import { extendableGrants, openQuestions } from '../intake/follow-ups.js';
import { cleanText, isRequestIntent } from '../intake/intent.js';
import { findPeople } from '../intake/people.js';
import { boundMessage, MAX_UNDERSTOOD_CHARS } from '../intake/text.js';
import { explain, type Understanding, understand } from '../intake/understand.js';
import { LICENCE_EXPORT_COMMAND, licenceRows, summariseLicences } from '../reports/licences.js';
import type { GovernanceRequest } from '../requests/model.js';
import type { ChannelKind } from '../requests/ports/store.js';
import { describeRelease } from '../requests/release.js';
import { answerStatusQuestion } from '../requests/status-question.js';
import { recordSentCopy } from './card-copy-recorder.js';
import { requestCard } from './cards/composer.js';
import type { BotContext } from './context.js';
import { channelDataOf, referenceFor } from './conversation-references.js';
import { DialogueManager } from './dialogue-manager.js';
import { DryRunChat } from './dry-run-chat.js';
import { HelpAudience } from './help-audience.js';
import { ReleaseChat } from './release-chat.js';
import { cancelConfirmCard, cardReply, helpCard, licenceReportCard, requestListCard, textReply } from './replies.js';
import {
  approversReadHere,
  auditUnseen,
  isSharedConversation,
  notForThisChat,
  notFoundOrNotYours,
  visibleRequest,
} from './visibility.js';

const HELP_POINTER =
  'Type "help" to see what I can do, for example "I need the Environment Maker role in Contoso Dev".';

export class MessageHandler {
  readonly dialogue: DialogueManager;
  readonly releases: ReleaseChat;
  private readonly dryRuns: DryRunChat;
  private readonly helpAudience: HelpAudience;

  constructor(private readonly bot: BotContext) {
    this.dialogue = new DialogueManager(bot);
    this.releases = new ReleaseChat(bot);
    this.dryRuns = new DryRunChat(bot);
    this.helpAudience = new HelpAudience((userId) => this.isApprover(userId));
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
    // Bounded before anything reads it: no message, however long, keeps the event loop busy.
    const bounded = boundMessage(activity.text ?? '');
    if (bounded.cut)
      await context.sendActivity(
        textReply(
          `Your message is long (${bounded.length.toLocaleString('en-US')} characters), so I read only the first ${MAX_UNDERSTOOD_CHARS.toLocaleString('en-US')}. I won't file anything from it without your confirmation; if something after that matters, send it as a shorter message.`,
        ),
      );
    const snapshot = await this.bot.catalogue.get();
    const draft = await this.dialogue.drafts.get(userId, activity.conversation.id);
    const u = await this.read(context, bounded.text, snapshot, userId, Boolean(draft));
    // explain() builds a whole summary: only when it is logged (LOG_LEVEL=debug), not on every turn.
    if (this.bot.log.isLevelEnabled('debug'))
      this.bot.log.debug(
        { ...explain(u), conversation: activity.conversation?.conversationType },
        'message understood',
      );

    if (draft && (await this.dialogue.onMessageWithDraft(context, draft, u, snapshot))) return;
    if (u.notAsked) return this.answerNotAsked(context, userId, u);
    // A plain reply while exactly one approver's question waits for this user is the answer to it.
    if (!draft && isPlainReply(u)) {
      const open = openQuestions(
        await this.bot.store.requests.list({ requesterId: userId, status: ['pending'], limit: 50 }),
        userId,
      );
      // Two or more open: answerQuestion asks which one rather than guess.
      if (open.length > 0)
        return this.answerQuestion(context, userId, open.length === 1 ? open[0]?.id : undefined, u.parsed.text);
    }
    if (isRequestIntent(u.kind))
      return this.dialogue.start(context, u, u.kind, userId, snapshot, { confirmFirst: bounded.cut });
    return this.answer(context, userId, u);
  }

  /**
   * The deterministic parser's reading, or, when a language model is configured, the model's reading resolved
   * like typed names on top of it. The parser alone answers the bot's open questions and reads commands
   * with ids ("approve REQ-12"); if the model fails or is slow, the parser's reading stands.
   */
  private async read(
    context: TurnContext,
    text: string,
    snapshot: CatalogueSnapshot,
    userId: string,
    draftOpen: boolean,
  ): Promise<Understanding> {
    const parsed = understand(text, snapshot, { requesterId: userId, now: this.bot.clock() });
    const model = this.bot.languageModel;
    if (!model || draftOpen || parserSuffices(parsed) || cleanText(text).length === 0) return parsed;
    const extraction = await model.extract(context, cleanText(text));
    return extraction ? resolveExtraction(parsed, extraction, snapshot, userId) : parsed;
  }

  /** A message that mentions a request without asking for one: answered, never filed. */
  private async answerNotAsked(context: TurnContext, userId: string, u: Understanding): Promise<void> {
    const nothingFiled = 'I have not filed anything.';
    let text: string;
    switch (u.notAsked) {
      case 'access-kind':
        text =
          'What kind of access do you need? I can get you: the Environment Maker role in an environment (to build apps and flows there), a blocked connector unblocked in an environment, or a new environment. Tell me which, for example "maker role in Contoso Dev".';
        break;
      case 'out-of-scope':
        text = `I only handle Power Platform requests: the Environment Maker role, blocked connectors and new environments. For a password, sign-in, Outlook or device problem, please contact your IT help desk. ${nothingFiled}`;
        break;
      case 'someone-else': {
        const who = u.forPerson ?? 'They';
        text = `I can only file a request for the person who needs the access, and only they can ask for it: ${who} can message me and ask for it themselves. ${nothingFiled}`;
        break;
      }
      case 'hypothetical':
        return this.dryRuns.answer(context, userId, u);
      case 'release':
        return this.releases.ask(context, userId, u);
      default: {
        const open = await this.bot.store.requests.list({ requesterId: userId, status: ['pending'], limit: 10 });
        text =
          open.length > 0
            ? `Understood: ${nothingFiled} You still have ${open.map((r) => r.id).join(', ')} open; say "cancel ${open[0]?.id}" to withdraw it.`
            : `Understood: ${nothingFiled}`;
      }
    }
    await context.sendActivity(textReply(text));
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
        // Visibility first: someone who may not see the request learns nothing, not even that it exists.
        if (!(await visibleRequest(this.bot, requestId, userId))) {
          await auditUnseen(this.bot, userId, `request.${p.verdict}.refused`, requestId);
          return void (await context.sendActivity(textReply(notFoundOrNotYours(requestId))));
        }
        const result = await this.bot.service.decide({
          requestId,
          actorId: userId,
          actorName: activity.from.name,
          verdict: p.verdict,
          comment: p.comment,
          correlationId: activity.id,
        });
        this.bot.kick();
        if (result.kind === 'unknown-request')
          return void (await context.sendActivity(textReply(notFoundOrNotYours(requestId))));
        const notice =
          result.kind === 'refused'
            ? ({ text: result.refusal.message, tone: 'warning' } as const)
            : ({
                text: `You ${p.verdict === 'approve' ? 'approved' : 'rejected'} ${result.request.id}.`,
                tone: 'good',
              } as const);
        await this.sendRequestCard(context, result.request, 'readonly', notice);
        return;
      }
      case 'status':
        return this.status(context, userId, u);
      case 'list-mine':
        return this.listMine(context, userId, 0);
      case 'list-pending':
        return this.listPending(context, userId, 0);
      case 'cancel':
        return this.askCancel(context, userId, p.requestIds[0]);
      case 'audit':
        return this.audit(context, userId, u);
      case 'licence-report':
        return this.licenceReport(context, userId);
      case 'answer-info':
        return this.answerQuestion(context, userId, p.requestIds[0], p.answerText);
      case 'extend':
        return this.extend(context, userId, u);
      case 'help':
        await context.sendActivity(cardReply(helpCard(await this.helpAudience.of(userId)), 'What I can do'));
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
        // "No thanks" declines; only real thanks get "You're welcome".
        await context.sendActivity(
          textReply(
            `${/^\W*(no|nah|nope)\b/i.test(activity.text ?? '') ? 'No problem.' : "You're welcome!"} Type "help" any time to see what I can do.`,
          ),
        );
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

  private async status(context: TurnContext, userId: string, u: Understanding): Promise<void> {
    const requestId = u.parsed.requestIds[0];
    if (!requestId) {
      // "what's happening with my dropbox request": the request it names; without a name, the open ones.
      const mine = await this.bot.store.requests.list({ requesterId: userId, limit: 50 });
      const named = (r: { value?: { id: string } | undefined; confidence: string }) =>
        r.value && (r.confidence === 'high' || r.confidence === 'medium') ? [r.value.id] : [];
      const answer = answerStatusQuestion(mine, {
        connectorIds: u.connectors.accepted.map((a) => a.connector.id),
        environmentIds: named(u.environment),
      });
      if (answer.kind === 'none')
        return void (await context.sendActivity(
          textReply(
            `I can't find a request of yours about ${[...u.connectors.accepted.map((a) => a.connector.displayName), ...(u.environment.value ? [u.environment.value.displayName] : [])].join(' in ')}. Say "my requests" to see all of them.`,
          ),
        ));
      const open = answer.kind === 'open' ? answer.requests : [];
      const only =
        answer.kind === 'one' ? answer.request : open.length === 1 ? open[0] : open.length === 0 ? mine[0] : undefined;
      if (only) {
        const notice =
          only.status === 'cancelled'
            ? ({
                text: `You cancelled this request on ${only.updatedAt.slice(0, 10)}; nothing was changed.`,
                tone: 'info',
              } as const)
            : undefined;
        return this.sendRequestCard(context, only, 'requester', notice, `${only.id}: ${only.status}`);
      }
      return void (await context.sendActivity(
        cardReply(await this.listMineCard(userId, 0, 'Your open requests', open), 'Your open requests'),
      ));
    }
    const request = await visibleRequest(this.bot, requestId, userId);
    if (!request) {
      await auditUnseen(this.bot, userId, 'request.status.refused', requestId);
      await context.sendActivity(textReply(notFoundOrNotYours(requestId)));
      return;
    }
    // Someone else's request is shown to an approver where only approvers read: everyone in a group chat would see it.
    if (request.requester.id !== userId && !(await approversReadHere(this.bot, context.activity)))
      return void (await context.sendActivity(textReply(notForThisChat(`Someone else's request (${request.id})`))));
    await this.sendRequestCard(
      context,
      request,
      request.requester.id === userId ? 'requester' : 'readonly',
      undefined,
      `${request.id}: ${request.status}`,
    );
  }

  /** Sends a request card here and records it as a copy, so every later change of state edits it too. */
  private async sendRequestCard(
    context: TurnContext,
    request: GovernanceRequest,
    audience: 'requester' | 'readonly',
    notice?: Parameters<typeof requestCard>[2],
    summary?: string,
  ): Promise<void> {
    const sent = await context.sendActivity(cardReply(this.requestView(context, request, audience, notice), summary));
    await recordSentCopy(this.bot, context, request, sent?.id, audience);
  }

  /** A request card for this conversation: in a group chat or channel, without the requester's email,
   * department or licence (others read it there). */
  private requestView(
    context: TurnContext,
    request: GovernanceRequest,
    audience: 'requester' | 'readonly' | 'approver',
    notice?: Parameters<typeof requestCard>[2],
  ) {
    return requestCard(request, audience, notice, [], isSharedConversation(context.activity));
  }

  /** The requester's requests (or those given, e.g. only the open ones) as a list card. */
  async listMineCard(userId: string, page: number, title = 'Your requests', requests?: GovernanceRequest[]) {
    const mine = requests ?? (await this.bot.store.requests.list({ requesterId: userId, limit: 200 }));
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
    if (!(await approversReadHere(this.bot, context.activity)))
      return void (await context.sendActivity(textReply(notForThisChat('The list of pending requests'))));
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
      await auditUnseen(this.bot, userId, 'request.cancel.refused', requestId);
      await context.sendActivity(textReply(notFoundOrNotYours(requestId)));
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

  /** Records a refused chat command (who, what, why): approver-only questions and requests that are not theirs. */
  private async refused(userId: string, action: string, details: Record<string, unknown>, requestId?: string) {
    await this.bot.store.audit.append({
      at: this.bot.clock().toISOString(),
      actorId: userId,
      action,
      outcome: 'refused',
      requestId,
      details,
    });
  }

  // ---- approvers: the audit trail and the licence report ----

  /** "audit for Finance Sandbox last week": the latest entries for an environment, request or person, and the export command. */
  private async audit(context: TurnContext, userId: string, u: Understanding): Promise<void> {
    if (!(await this.isApprover(userId))) {
      await this.refused(userId, 'audit.query.refused', {
        reason: 'not an approver',
        text: u.parsed.text.slice(0, 200),
      });
      await context.sendActivity(
        textReply('Sorry, only Power Platform approvers can read the audit trail. You can ask for "my requests".'),
      );
      return;
    }
    if (!(await approversReadHere(this.bot, context.activity)))
      return void (await context.sendActivity(textReply(notForThisChat('The audit trail'))));
    const p = u.parsed;
    const range = p.auditRange;
    const query: AuditQuery = { since: range?.since, until: range?.until, requestId: p.requestIds[0] };
    let scope: string | undefined = query.requestId;
    const env = u.environment;
    if (!query.requestId) {
      const people = findPeople(p.tokens, await this.bot.tenant.listUsers());
      const person = people.length === 1 ? people[0] : undefined;
      const envTaken = env.value && (env.confidence === 'high' || env.confidence === 'medium') ? env.value : undefined;
      // "Adele" names both Adele Vance and "Adele Vance's Environment": a person, unless the message says environment.
      const envByName =
        envTaken &&
        person &&
        envTaken.displayName.toLowerCase().includes(person.displayName.split(' ')[0]?.toLowerCase() ?? '');
      if (envTaken && !(envByName && !/\b(env|environment|sandbox|dev|prod|production)\b/i.test(p.text))) {
        query.environmentId = envTaken.id;
        scope = envTaken.displayName;
      } else if (person) {
        query.user = person.id;
        scope = person.displayName;
      } else if (people.length > 1) {
        const names = people.slice(0, 6).map((x) => `${x.displayName} (${x.userPrincipalName})`);
        await context.sendActivity(
          textReply(
            `Whom do you mean: ${names.join(', ')}? Say for example "audit for ${people[0]?.userPrincipalName}".`,
          ),
        );
        return;
      } else if (env.confidence === 'ambiguous' && env.options.length > 0) {
        const names = env.options.slice(0, 6).map((e) => e.displayName);
        await context.sendActivity(
          textReply(`Which environment: ${names.join(', ')}? Say for example "audit for ${names[0]} last week".`),
        );
        return;
      }
    }
    const label = [scope ?? 'all environments', range?.label].filter(Boolean).join(', ');
    const card = await auditSummaryCard(this.bot.store, query, { now: this.bot.clock(), environmentName: label });
    await context.sendActivity(card as Partial<Activity>);
  }

  /** "who has Power Apps licences": plan counts, who lacks a Power Apps plan, and the CSV command. */
  private async licenceReport(context: TurnContext, userId: string): Promise<void> {
    if (!(await this.isApprover(userId))) {
      await this.refused(userId, 'report.licences.refused', { reason: 'not an approver' });
      await context.sendActivity(textReply('Sorry, only Power Platform approvers can see the licence report.'));
      return;
    }
    if (!(await approversReadHere(this.bot, context.activity)))
      return void (await context.sendActivity(textReply(notForThisChat('The licence report'))));
    const summary = summariseLicences(licenceRows(await this.bot.tenant.listUsers()));
    await context.sendActivity(cardReply(licenceReportCard(summary, LICENCE_EXPORT_COMMAND), 'Licence report'));
  }

  // ---- requesters: answers to approvers' questions, extensions of time-bound grants ----

  /** The requester's answer to an approver's question, typed in chat; it goes through the same use case as the card. */
  private async answerQuestion(
    context: TurnContext,
    userId: string,
    requestId: string | undefined,
    answer: string | undefined,
  ): Promise<void> {
    const lifecycle = this.bot.lifecycle;
    if (!lifecycle) return void (await context.sendActivity(textReply('Sorry, I cannot take answers right now.')));
    let id = requestId;
    if (!id) {
      const open = openQuestions(
        await this.bot.store.requests.list({ requesterId: userId, status: ['pending'], limit: 50 }),
        userId,
      );
      if (open.length === 0)
        return void (await context.sendActivity(textReply('No approver is waiting for an answer from you.')));
      if (open.length > 1)
        return void (await context.sendActivity(
          textReply(
            `Approvers asked about ${open.map((r) => r.id).join(', ')}. Which one are you answering? Say for example "answer ${open[0]?.id} it is for the budget app".`,
          ),
        ));
      id = open[0]?.id;
    }
    const request = id ? await this.bot.store.requests.get(id) : undefined;
    if (!id || !request || request.requester.id !== userId) {
      await auditUnseen(this.bot, userId, 'request.info-answer.refused', id ?? '');
      await context.sendActivity(textReply(notFoundOrNotYours(id ?? '')));
      return;
    }
    const text = (answer ?? '').trim();
    if (!text)
      return void (await context.sendActivity(
        textReply(`What is your answer? Type for example "answer ${id} it is for the Q3 budget app".`),
      ));
    const result = await lifecycle.answerInfo(id, userId, text);
    this.bot.kick();
    if (result.kind === 'refused') return void (await context.sendActivity(textReply(result.message)));
    await this.sendRequestCard(
      context,
      result.request,
      'requester',
      {
        text: `Thanks, I added your answer to ${result.request.id}; the approvers see it on their card.`,
        tone: 'good',
      },
      `Answer added to ${result.request.id}`,
    );
  }

  /** "extend REQ-1003 for 2 weeks", "can I keep the maker role in Finance Sandbox another month". */
  private async extend(context: TurnContext, userId: string, u: Understanding): Promise<void> {
    const lifecycle = this.bot.lifecycle;
    if (!lifecycle) return void (await context.sendActivity(textReply('Sorry, I cannot extend grants right now.')));
    const p = u.parsed;
    let request: GovernanceRequest | undefined;
    if (p.requestIds[0]) request = await this.bot.store.requests.get(p.requestIds[0]);
    else {
      const mine = await this.bot.store.requests.list({ requesterId: userId, status: ['completed'], limit: 200 });
      const env = u.environment;
      const connectors = u.connectors.accepted.map((a) => a.connector.name);
      const grants = extendableGrants(mine, userId, {
        environmentId: env.value && env.confidence !== 'ambiguous' ? env.value.id : undefined,
        type: connectors.length > 0 ? 'connector-unblock' : p.cues['maker-role'] ? 'maker-role' : undefined,
        connectors,
      });
      if (grants.length === 0)
        return void (await context.sendActivity(
          textReply(
            `You have no time-bound grant${env.value && env.confidence !== 'ambiguous' ? ` in ${env.value.displayName}` : ''} to extend. Only access given for a limited time (asked "for 2 weeks", say) can be extended; "my requests" shows yours.`,
          ),
        ));
      if (grants.length > 1)
        return void (await context.sendActivity(
          textReply(
            `Which one? ${grants.map((g) => `${g.id} (${describeGrant(g)}, until ${g.grantEndsAt?.slice(0, 10)})`).join(', ')}. Say for example "extend ${grants[0]?.id} for 2 weeks".`,
          ),
        ));
      request = grants[0];
    }
    const id = request?.id ?? p.requestIds[0] ?? '';
    if (!request || request.requester.id !== userId) {
      // The reply names nobody and says nothing about whether the request exists.
      await auditUnseen(this.bot, userId, 'grant.extension.refused', id);
      await context.sendActivity(textReply(notFoundOrNotYours(id)));
      return;
    }
    let duration = p.extension?.iso;
    let label = p.extension?.label;
    if (!duration && p.grantEndsAt && request.grantEndsAt) {
      // "until Friday": how much longer than now or the current end, whichever is later.
      const from = Math.max(Date.parse(request.grantEndsAt), this.bot.clock().getTime());
      const hours = Math.ceil((Date.parse(p.grantEndsAt) - from) / 3_600_000);
      if (hours <= 0)
        return void (await context.sendActivity(
          textReply(`${request.id} already lasts until ${request.grantEndsAt.slice(0, 16).replace('T', ' ')} UTC.`),
        ));
      duration = `PT${hours}H`;
      label = `until ${p.grantEndsAt.slice(0, 10)}`;
    }
    if (!duration)
      return void (await context.sendActivity(
        textReply(`For how long should I extend ${request.id}? Say for example "extend ${request.id} for 2 weeks".`),
      ));
    const result = await lifecycle.requestExtension(request.id, userId, duration);
    this.bot.kick();
    switch (result.kind) {
      case 'filed': {
        const pending = result.request.status === 'pending';
        const text = pending
          ? `I asked to extend ${request.id} by ${label}: ${result.request.id} needs approval like a new request.`
          : `Extension ${result.request.id} (${label}) was approved by rule "${result.request.routing?.ruleId}".`;
        await this.sendRequestCard(
          context,
          result.request,
          'requester',
          { text, tone: 'good' },
          `${result.request.id} received`,
        );
        return;
      }
      case 'duplicate':
        await this.sendRequestCard(context, result.request, 'requester', {
          text: `You already asked to extend ${request.id}: ${result.request.id} is ${result.request.status}.`,
          tone: 'info',
        });
        return;
      case 'denied':
        await context.sendActivity(
          cardReply(
            this.requestView(context, result.request, 'requester', {
              text: `Not allowed: ${result.reason}`,
              tone: 'warning',
            }),
          ),
        );
        return;
      case 'refused':
        await context.sendActivity(textReply(result.message));
        return;
      default:
        await context.sendActivity(textReply('message' in result ? result.message : 'Nothing was changed.'));
    }
  }
}

/** A message with no command in it: no request id and no wording that names what to do. */
function isPlainReply(u: Understanding): boolean {
  const p = u.parsed;
  if (p.requestIds.length > 0 || p.text.length === 0) return false;
  if (u.kind === 'unknown') return true;
  // "we need it to sync SharePoint lists" reads like a request; a real one says so ("maker", "unblock", "new").
  return isRequestIntent(u.kind) && (p.cues[u.kind] ?? 0) < 1;
}

function describeGrant(r: GovernanceRequest): string {
  const d = r.details;
  if (d.type === 'maker-role') return `maker role in ${d.environment.displayName}`;
  if (d.type === 'connector-unblock') return `${d.connector.displayName} in ${d.environment.displayName}`;
  if (d.type === 'release') return describeRelease(d);
  return d.displayName;
}
