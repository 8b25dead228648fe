// Runs the request dialogue in Teams: keeps the draft between turns, asks back with choice cards, shows a
// summary to confirm when unsure, and files through the preparer and the governance service exactly once.
import type { TurnContext } from 'botbuilder';
import { failpoint } from '../failpoints.js';
import type { CatalogueSnapshot } from '../intake/catalogue.js';
import {
  answerFromOptions,
  applyUnderstanding,
  chooseOption,
  describeDraft,
  nextAction,
  reasonQuestion,
  reopen,
  startDraft,
} from '../intake/dialogue.js';
import { type Draft, DraftStore, type Slot } from '../intake/draft.js';
import { isRequestIntent, type RequestIntent } from '../intake/intent.js';
import { withAddresses } from '../intake/links.js';
import type { Understanding } from '../intake/understand.js';
import { DEFAULT_REASON_SCOPES, reasonRequired } from '../policy/reason-required.js';
import type { FileResult } from '../requests/governance-service.js';
import type { Preparation } from '../requests/preparation.js';
import { recordSentCopy } from './card-copy-recorder.js';
import { requestCard } from './cards/composer.js';
import type { AdaptiveCard } from './cards/template.js';
import type { BotContext } from './context.js';
import { cardReply, changeCard, choiceCard, confirmCard, doneCard, textReply } from './replies.js';
import { isSharedConversation } from './visibility.js';

export class DialogueManager {
  readonly drafts: DraftStore;

  constructor(private readonly bot: BotContext) {
    this.drafts = new DraftStore(bot.store.kv, bot.clock);
  }

  /** A message while a draft is open: an answer, a correction, yes/no, or something else entirely. */
  async onMessageWithDraft(
    context: TurnContext,
    draft: Draft,
    u: Understanding,
    snapshot: CatalogueSnapshot,
  ): Promise<boolean> {
    const a = u.parsed.answer;
    const q = draft.question;
    // "If I asked for …, who would approve?" and "remove my maker role in …" are never an answer to the open
    // question (they would file the draft): they are answered on their own and the draft waits. A reason may
    // start with "if …"; only a question is a hypothetical there.
    const hypothetical = u.notAsked === 'hypothetical' && (q?.slot !== 'reason' || /\?/.test(u.parsed.text));
    // A request for someone else is not an answer either: it would file the draft for the sender with its words.
    if (hypothetical || u.notAsked === 'release' || u.notAsked === 'someone-else') return false;
    // "yes" / "no" to the Dataverse question answers it; it does not confirm or drop the request.
    if (q?.slot === 'dataverse' && (a.yes || a.no) && u.parsed.newEnvironment.dataverse === undefined) {
      chooseOption(draft, 'dataverse', a.yes ? 'yes' : 'no', snapshot);
      await this.continue(context, draft);
      return true;
    }
    if (a.no && !a.correction && (q?.slot === 'confirm' || u.parsed.tokens.length <= 3)) {
      await this.drafts.clear(draft.userId, draft.conversationId);
      await context.sendActivity(textReply("OK, I've dropped that request. Nothing was filed."));
      return true;
    }
    if (u.kind === 'cancel' && u.parsed.requestIds.length === 0) {
      await this.drafts.clear(draft.userId, draft.conversationId);
      await context.sendActivity(textReply("OK, I've dropped that request. Nothing was filed."));
      return true;
    }
    if (a.yes && q?.slot === 'confirm') {
      await this.file(context, draft);
      return true;
    }
    if (a.change && q?.slot === 'confirm') {
      await context.sendActivity(cardReply(changeCard(draft), 'What should I change?'));
      return true;
    }
    // The answer to "why do you need it?": the reason the policy wants before filing. Only a short command
    // ("status", "help") or a new request is something else; any sentence is the reason, whatever it mentions.
    if (
      q?.slot === 'reason' &&
      !a.correction &&
      !(isRequestIntent(u.kind) && u.kind !== draft.type && u.intentScore >= 1)
    ) {
      // A status question ("what is happening with my request?") is not the reason either.
      const command =
        ['help', 'status', 'list-mine', 'list-pending'].includes(u.kind) &&
        (u.parsed.tokens.length <= 3 || /\?\s*$/.test(u.parsed.text));
      if (!command) {
        const reason = (u.parsed.justification ?? withAddresses(u.parsed.text, u.parsed.links ?? [])).trim();
        if ((reason.match(/[a-z]{2,}/gi) ?? []).length < 2) {
          await this.continue(context, draft, 'Sorry, I need a few words on why.');
          return true;
        }
        draft.justification = reason;
        draft.question = undefined;
        await this.continue(context, draft, 'Thanks.');
        return true;
      }
    }
    // A new, different request replaces the draft; status, help and the like are answered and the draft kept.
    if (isRequestIntent(u.kind) && u.kind !== draft.type && u.intentScore >= 1 && !a.correction) {
      await this.start(context, u, u.kind, draft.userId, snapshot);
      return true;
    }
    if (!isRequestIntent(u.kind) && !['unknown', 'greeting', 'thanks'].includes(u.kind) && !a.correction) return false;

    // A name the whole catalogue knows for sure ("no, I meant HR Dev") wins over a partial match among the options.
    const named = u.environment.confidence === 'high' || u.connectors.accepted.some((c) => c.confidence === 'high');
    let changed = named ? applyUnderstanding(draft, u, Boolean(a.correction)) : answerFromOptions(draft, u, snapshot);
    if (!changed)
      changed = named ? answerFromOptions(draft, u, snapshot) : applyUnderstanding(draft, u, Boolean(a.correction));
    if (!changed && draft.question?.slot === 'name' && u.parsed.text.length <= 80 && u.kind === 'unknown') {
      draft.newEnvironment.name = u.parsed.text.replace(/^["'“]|["'”]$/g, '').trim();
      draft.question = undefined;
      changed = true;
    }
    // An answer to "In which region?" that names no region we know: say so, rather than asking again silently.
    const regionNotice =
      q?.slot === 'location' && !draft.newEnvironment.location
        ? unknownRegionNotice(u.parsed.text, { answer: true })
        : undefined;
    if (!changed) {
      if (u.kind === 'greeting' || u.kind === 'thanks') return false;
      await this.continue(context, draft, regionNotice ?? "Sorry, I didn't catch that.");
      return true;
    }
    if (q?.slot === 'confirm') draft.question = undefined;
    const notice =
      draft.type !== 'new-environment' && !draft.environment ? unmatchedNotice(u) : (regionNotice ?? undefined);
    await this.continue(context, draft, notice ?? (a.correction ? 'Changed.' : undefined));
    return true;
  }

  async start(
    context: TurnContext,
    u: Understanding,
    type: RequestIntent,
    userId: string,
    snapshot: CatalogueSnapshot,
    options: { confirmFirst?: boolean } = {},
  ): Promise<void> {
    const draft = startDraft(u, type, userId, context.activity.conversation.id, this.bot.clock());
    // Only part of the message was read: what it asks for is shown back and confirmed, never filed straight away.
    if (options.confirmFirst) draft.confirmFirst = true;
    const unknownEnvironment = type !== 'new-environment' && !draft.environment ? unmatchedNotice(u) : undefined;
    const unknownConnector =
      type === 'unblock-connector' && draft.connectors.length === 0 && u.unknownConnector
        ? `I don't know a connector called "${u.unknownConnector}" in this tenant.`
        : undefined;
    const unknownRegion =
      type === 'new-environment' && !draft.newEnvironment.location
        ? unknownRegionNotice(u.parsed.text, { answer: false })
        : undefined;
    const preface = [unknownConnector, unknownEnvironment, unknownRegion].filter(Boolean).join(' ') || undefined;
    void snapshot;
    await this.continue(context, draft, preface);
  }

  /** Asks the next question, shows the summary, or files. */
  async continue(context: TurnContext, draft: Draft, preface?: string): Promise<void> {
    const snapshot = await this.bot.catalogue.get();
    const next = nextAction(draft, snapshot);
    if (next.kind === 'ask') {
      draft.question = { slot: next.slot, options: next.options };
      await this.drafts.save(draft);
      if (next.options.length === 0) {
        await context.sendActivity(textReply([preface, next.question, next.hint].filter(Boolean).join(' ')));
      } else {
        await context.sendActivity(cardReply(choiceCard(draft, next, preface), next.question));
      }
      return;
    }
    if (next.kind === 'confirm') {
      draft.question = { slot: 'confirm', options: [] };
      await this.drafts.save(draft);
      await context.sendActivity(cardReply(confirmCard(draft), 'Is this what you want?'));
      return;
    }
    await this.file(context, draft);
  }

  // ---- card actions ----

  async chosen(context: TurnContext, draft: Draft, slot: Slot, optionId: string): Promise<AdaptiveCard> {
    const snapshot = await this.bot.catalogue.get();
    const label = draft.question?.options.find((o) => o.id === optionId)?.label;
    if (!chooseOption(draft, slot, optionId, snapshot)) {
      return doneCard('That choice is no longer open', 'Nothing was changed. Type what you need again, or "help".');
    }
    await this.continue(context, draft);
    return doneCard(`You chose ${label ?? optionId}`);
  }

  async confirmed(context: TurnContext, draft: Draft): Promise<AdaptiveCard> {
    if (draft.question?.slot !== 'confirm')
      return doneCard('This summary is out of date', 'Nothing was filed from it.');
    const ids = await this.file(context, draft);
    // file() asked for the reason the policy wants instead of filing.
    if ((draft.question as Draft['question'])?.slot === 'reason')
      return doneCard(
        'One more question',
        'Why do you need it? Please answer in the chat; nothing is filed until then.',
      );
    return doneCard(
      ids.length > 0 ? `Filed: ${ids.join(', ')}` : 'Done',
      describeDraft(draft)
        .map((f) => `${f.title}: ${f.value}`)
        .join(' · '),
    );
  }

  async change(context: TurnContext, draft: Draft, slot: Slot | undefined): Promise<AdaptiveCard> {
    if (!slot) {
      draft.question = undefined;
      await this.drafts.save(draft);
      return changeCard(draft);
    }
    const snapshot = await this.bot.catalogue.get();
    reopen(draft, slot, snapshot);
    await this.continue(context, draft);
    return doneCard('OK, let’s change that');
  }

  // ---- filing ----

  /** Files the draft (one request per connector). Returns the ids filed. Guarded so it happens once. */
  async file(context: TurnContext, draft: Draft): Promise<string[]> {
    const preparer = this.bot.preparer;
    if (!preparer) {
      await this.drafts.clear(draft.userId, draft.conversationId);
      await context.sendActivity(
        textReply('Sorry, I cannot file requests right now (no request preparer is configured). Nothing was filed.'),
      );
      return [];
    }
    // Checked against the tenant first (reads only): what will be filed decides whether a reason is needed.
    const prepared: { label: string; result: Preparation }[] = [];
    for (const p of this.preparations(draft, preparer, context.activity.locale))
      prepared.push({ label: p.label, result: await p.run() });
    // A reason the policy wants and the maker did not give: ask for it; nothing is filed until it comes.
    const scopes = this.bot.policy?.requireReasonFor ?? DEFAULT_REASON_SCOPES;
    const needs = draft.justification?.trim()
      ? undefined
      : prepared
          .map((p) => (p.result.kind === 'ready' ? reasonRequired(p.result.details, scopes) : undefined))
          .find(Boolean);
    if (needs) {
      // What is filed was confirmed (or sure) already: once the reason comes it is filed without asking again.
      draft.confirmFirst = false;
      if (draft.environment) draft.environment.sure = true;
      draft.connectors = draft.connectors.map((c) => ({ ...c, sure: true }));
      draft.reasonFor = needs;
      draft.question = { slot: 'reason', options: [] };
      await this.drafts.save(draft);
      const ask = reasonQuestion(needs);
      await context.sendActivity(textReply(`${ask.question} ${ask.hint}`));
      return [];
    }
    await this.drafts.clear(draft.userId, draft.conversationId);
    if (!(await this.drafts.claimFiling(draft.id))) {
      await context.sendActivity(textReply('I already filed that one; see "my requests".'));
      return [];
    }
    const userId = draft.userId;
    const filed: { id: string; label: string }[] = [];
    for (const { label, result } of prepared) {
      if (result.kind === 'answer') {
        await context.sendActivity(textReply(result.message));
        continue;
      }
      if (result.kind === 'invalid') {
        await context.sendActivity(textReply(`${result.message} Nothing was filed for ${label}.`));
        continue;
      }
      const id = await this.fileOne(context, userId, result, draft);
      if (id) filed.push({ id, label });
    }
    if (filed.length > 1) {
      await context.sendActivity(
        textReply(`I filed ${filed.length} requests: ${filed.map((f) => `${f.id} (${f.label})`).join(', ')}.`),
      );
    }
    return filed.map((f) => f.id);
  }

  /** What the draft files: one preparation per request (one per connector). */
  private preparations(
    draft: Draft,
    preparer: NonNullable<BotContext['preparer']>,
    locale: string | undefined,
  ): { label: string; run: () => Promise<Preparation> }[] {
    const preparations: { label: string; run: () => Promise<Preparation> }[] = [];
    const userId = draft.userId;
    if (draft.type === 'maker-role' && draft.environment) {
      const environmentId = draft.environment.id;
      preparations.push({
        label: draft.environment.displayName,
        run: () => preparer.makerRole({ requesterId: userId, environmentId }),
      });
    } else if (draft.type === 'unblock-connector' && draft.environment) {
      const environmentId = draft.environment.id;
      for (const c of draft.connectors)
        preparations.push({
          label: c.displayName,
          run: () => preparer.connectorUnblock({ requesterId: userId, environmentId, connectorId: c.name }),
        });
    } else if (draft.type === 'new-environment') {
      const ne = draft.newEnvironment;
      preparations.push({
        label: ne.name ?? 'new environment',
        run: () =>
          preparer.newEnvironment({
            requesterId: userId,
            displayName: ne.name ?? '',
            sku: ne.sku ?? 'Sandbox',
            location: ne.location ?? '',
            dataverse: ne.dataverse ? { currency: ne.currency, languageLcid: ne.languageLcid } : undefined,
            description: draft.justification,
            locale,
          }),
      });
    }
    return preparations;
  }

  private async fileOne(
    context: TurnContext,
    userId: string,
    preparation: Extract<Preparation, { kind: 'ready' }>,
    draft: Draft,
  ): Promise<string | undefined> {
    const { details, notes } = preparation;
    const result: FileResult = await this.bot.service.file({
      requesterId: userId,
      details,
      justification: draft.justification,
      grantEndsAt: draft.grantEndsAt,
      correlationId: context.activity.id,
      // Read from the tenant a moment ago in this turn: not asked again.
      prepared: preparation.requester ? { requester: preparation.requester } : undefined,
    });
    this.bot.kick();
    failpoint('intake.after-filed-before-receipt');
    const shared = isSharedConversation(context.activity);
    switch (result.kind) {
      case 'unknown-requester':
      case 'satisfied':
        await context.sendActivity(textReply(result.message));
        return undefined;
      case 'duplicate': {
        const sent = await context.sendActivity(
          cardReply(
            requestCard(
              result.request,
              'requester',
              { text: `You already asked for this: ${result.request.id} is ${result.request.status}.`, tone: 'info' },
              [],
              shared,
            ),
          ),
        );
        await recordSentCopy(this.bot, context, result.request, sent?.id, 'requester');
        return undefined;
      }
      case 'denied':
        await context.sendActivity(
          cardReply(
            requestCard(
              result.request,
              'requester',
              { text: `Not allowed: ${result.reason}`, tone: 'error' },
              [],
              shared,
            ),
          ),
        );
        return undefined;
      case 'filed': {
        const extra = notes && notes.length > 0 ? ` ${notes.join(' ')}` : '';
        const autoApproved = result.request.routing?.outcome === 'auto-approve';
        const notice = autoApproved
          ? ({
              text: `Received and approved automatically by rule "${result.request.routing?.ruleId}". I'm carrying it out now and will update this card.${extra}`,
              tone: 'good',
            } as const)
          : result.approvalsChannelMissing
            ? ({
                text: `Received and stored. No approvals channel is set up yet, so it waits until an admin sets one; nothing is lost.${extra}`,
                tone: 'warning',
              } as const)
            : ({
                text: `Received. I've sent it to ${result.request.stages[0]?.groupName ?? 'the approvers'}.${extra}`,
                tone: 'good',
              } as const);
        if (shared) {
          // Others read a group chat or channel: a short receipt there, the details in the requester's own chat.
          const privately = await this.bot.service.sendReceiptPrivately(result.request, notice);
          this.bot.kick();
          await context.sendActivity(
            textReply(
              `Received as ${result.request.id}. ${privately ? 'I sent the details to our personal chat; updates follow there.' : 'Open a personal chat with me and say "status" to follow it.'}`,
            ),
          );
          return result.request.id;
        }
        const sent = await context.sendActivity(
          cardReply(requestCard(result.request, 'requester', notice), `${result.request.id} received`),
        );
        if (sent?.id)
          await this.bot.service.attachReceipt(result.request.id, context.activity.conversation.id, sent.id);
        return result.request.id;
      }
      default: {
        const never: never = result;
        return never;
      }
    }
  }
}

/**
 * A name that matches no environment ("Marketing Production" where only Marketing Sandbox exists) is said so, with
 * the closest candidates offered on the card: never stretched to another environment, nothing filed until a pick.
 */
function unmatchedNotice(u: Understanding): string | undefined {
  const name = u.unknownEnvironment ?? u.environment.unmatched;
  if (!name) return undefined;
  const closest = u.environment.options.length > 0 ? ' These are the closest ones.' : '';
  return `I couldn't find an environment called "${name}" in this tenant.${closest} Nothing is filed until you choose.`;
}

const POLITE_ENDINGS = new Set(['please', 'pls', 'thanks']);
/** A word of a place name: letters, with dots, apostrophes and hyphens ("St.", "Côte-d'Ivoire"). */
const LETTERS_ONLY = /^[\p{L}.'-]+$/u;

/**
 * "I don't know a region called "Atlantis"." for a short answer to the region question, or for a request that
 * ends with "in <words>" naming no region (only then is the phrase surely meant as one).
 */
function unknownRegionNotice(text: string, { answer }: { answer: boolean }): string | undefined {
  // Word by word, not one pattern over the whole message: no regular expression here can backtrack on user text.
  const words = text.trim().split(' ').filter(Boolean);
  let last = words.pop() ?? '';
  while (last.length > 0 && '.!?'.includes(last.charAt(last.length - 1))) last = last.slice(0, -1);
  if (last) words.push(last);
  let phrase: string[];
  if (answer) {
    phrase = words;
    if (phrase.length > 1 && POLITE_ENDINGS.has(phrase.at(-1)?.toLowerCase() ?? '')) phrase = phrase.slice(0, -1);
  } else {
    const at = words.map((w) => w.toLowerCase()).lastIndexOf('in');
    if (at < 0) return undefined;
    phrase = words.slice(at + 1);
    if (phrase[0]?.toLowerCase() === 'the') phrase = phrase.slice(1);
    if (phrase.at(-1)?.toLowerCase() === 'region') phrase = phrase.slice(0, -1);
    if (!phrase.every((w) => LETTERS_ONLY.test(w))) return undefined;
  }
  const name = phrase.join(' ');
  if (!name || name.length > 30 || phrase.length > 3) return undefined;
  return `I don't know a region called "${name}".`;
}
