// Reply builders shared by the Teams handlers: text, help, request lists (paginated), choices and summaries.
import type { Activity } from 'botbuilder';
import { BOT_COMMANDS, type BotCommand } from '../intake/commands.js';
import { describeDraft, MAX_BUTTONS, type NextAction } from '../intake/dialogue.js';
import type { Draft } from '../intake/draft.js';
import type { LicenceSummary } from '../reports/licences.js';
import type { GovernanceRequest, RequestStatus } from '../requests/model.js';
import { describeRelease } from '../requests/release.js';
import type { ReleaseOffer } from '../requests/release-service.js';
import { currentStage, nextStep } from '../requests/state-machine.js';
import { TITLES } from './cards/request-view.js';
import { type AdaptiveCard, cardActivity, codeSpan, plain, plainLabel, renderCard } from './cards/template.js';
import { replyText } from './cards/user-text.js';

/**
 * A text reply. The bot's own replies use no markdown, so the whole text is shown as text: whatever a user typed in
 * it (a name, a reason, an answer) cannot become a link, markup, an @mention or HTML in Teams.
 */
export function textReply(text: string): Partial<Activity> {
  return { type: 'message', text: replyText(text) };
}

export function cardReply(card: Record<string, unknown>, summary?: string): Partial<Activity> {
  return cardActivity(card, summary) as Partial<Activity>;
}

type CardAction = { title: string; verb: string; data: Record<string, unknown>; style?: string };

const HELP_GROUPS: { group: BotCommand['group']; heading: string }[] = [
  { group: 'decide', heading: 'Decide (approvers)' },
  { group: 'ask', heading: 'Ask for' },
  { group: 'follow-up', heading: 'Follow up' },
];

/**
 * What this reader can do: a maker sees what to ask for and how to follow up; an approver sees what to decide
 * first, then the rest. One line per command with one example, so it stays short in a narrow column.
 */
export function helpCard(reader: 'maker' | 'approver'): AdaptiveCard {
  // The same two cards every time: rendered once each, and handed out as copies so no caller can change the next.
  let json = renderedHelpCards.get(reader);
  if (json === undefined) {
    json = JSON.stringify(renderHelpCard(reader));
    renderedHelpCards.set(reader, json);
  }
  return JSON.parse(json) as AdaptiveCard;
}

const renderedHelpCards = new Map<'maker' | 'approver', string>();

function renderHelpCard(reader: 'maker' | 'approver'): AdaptiveCard {
  const groups = HELP_GROUPS.filter((g) => reader === 'approver' || g.group !== 'decide');
  return renderCard('help-card', {
    title: 'What I can do',
    intro: 'Ask me in your own words; I ask back when something is unclear and never file a guess.',
    sections: groups.map((g) => ({
      heading: g.heading,
      lines: BOT_COMMANDS.filter((c) => c.group === g.group && c.title !== 'help').map((c) => ({
        text: `**${c.title[0]?.toUpperCase()}${c.title.slice(1)}**: "${plain(c.examples[0] ?? c.title)}"`,
      })),
    })),
    actions:
      reader === 'approver'
        ? [
            { title: 'Waiting for me', verb: 'listPending', data: { page: 0 } },
            { title: 'My requests', verb: 'listMine', data: { page: 0 } },
          ]
        : [{ title: 'My requests', verb: 'listMine', data: { page: 0 } }],
  });
}

const STATUS_COLOR: Record<RequestStatus, string> = {
  pending: 'Accent',
  approved: 'Accent',
  executing: 'Accent',
  completed: 'Default',
  failed: 'Attention',
  rejected: 'Attention',
  cancelled: 'Default',
  expired: 'Default',
  revoked: 'Default',
};

export const PAGE_SIZE = 5;

function target(r: GovernanceRequest): string {
  const d = r.details;
  if (d.type === 'maker-role') return `in ${plain(d.environment.displayName)}`;
  if (d.type === 'connector-unblock') return `${plain(d.connector.displayName)} in ${plain(d.environment.displayName)}`;
  if (d.type === 'release') return plain(describeRelease(d));
  return `${plain(d.displayName)} (${d.sku}, ${d.location})`;
}

function approversOf(r: GovernanceRequest): string {
  const stage = currentStage(r);
  const s = stage === undefined ? undefined : r.stages[stage];
  if (r.status === 'pending') return s?.groupName ?? 'the approvers';
  const last = r.decisions.at(-1);
  return last
    ? `${plain(last.approver.displayName)} (${last.verdict === 'approve' ? 'approved' : 'rejected'})`
    : r.routing?.outcome === 'auto-approve'
      ? 'approved automatically'
      : '—';
}

/** A page of requests with state, approvers, dates and next step; page buttons when there are more. */
export function requestListCard(options: {
  title: string;
  requests: GovernanceRequest[];
  empty: string;
  page: number;
  verb: 'listMine' | 'listPending';
  viewerId: string;
}): AdaptiveCard {
  const pages = Math.max(1, Math.ceil(options.requests.length / PAGE_SIZE));
  const page = Math.min(Math.max(0, options.page), pages - 1);
  const shown = options.requests.slice(page * PAGE_SIZE, page * PAGE_SIZE + PAGE_SIZE);
  const actions: CardAction[] = [];
  if (page > 0) actions.push({ title: '◀ Previous', verb: options.verb, data: { page: page - 1 } });
  if (page < pages - 1) actions.push({ title: 'Next ▶', verb: options.verb, data: { page: page + 1 } });
  return renderCard('request-list-card', {
    title: options.title,
    text: options.requests.length === 0 ? options.empty : null,
    pageText: pages > 1 ? `Page ${page + 1} of ${pages} (${options.requests.length} requests)` : null,
    items: shown.map((r) => {
      const buttons: CardAction[] = [{ title: 'Open', verb: 'showRequest', data: { requestId: r.id } }];
      if (r.status === 'pending' && r.requester.id === options.viewerId)
        buttons.push({ title: 'Cancel…', verb: 'cancelAsk', data: { requestId: r.id } });
      return {
        id: r.id,
        kind: TITLES[r.type],
        status: r.status,
        statusColor: STATUS_COLOR[r.status],
        target: target(r),
        facts: [
          ...(r.requester.id === options.viewerId
            ? []
            : [{ title: 'Requester', value: plain(r.requester.displayName) }]),
          { title: 'Approvers', value: approversOf(r) },
          { title: 'Asked', value: r.createdAt.slice(0, 10) },
          { title: 'Updated', value: r.updatedAt.slice(0, 10) },
          ...(r.grantEndsAt ? [{ title: 'Until', value: r.grantEndsAt.slice(0, 10) }] : []),
        ],
        next: nextStep(r),
        buttons,
      };
    }),
    actions,
  });
}

/** A question with its options: buttons for a few, a drop-down for many; text answers work too. */
export function choiceCard(draft: Draft, next: Extract<NextAction, { kind: 'ask' }>, preface?: string): AdaptiveCard {
  const buttons = next.options.length <= MAX_BUTTONS ? next.options : [];
  const list = next.options.length > MAX_BUTTONS ? next.options.slice(0, 200) : [];
  const actions: CardAction[] = [];
  if (list.length > 0)
    actions.push({ title: 'Choose', verb: 'chooseOption', data: { draftId: draft.id, slot: next.slot } });
  actions.push({ title: 'Cancel', verb: 'cancelDraft', data: { draftId: draft.id } });
  return renderCard('choice-card', {
    title: plain(next.question),
    text: preface ? plain(preface) : null,
    hint: next.hint ? plain(next.hint) : null,
    buttons: buttons.map((o, i) => ({
      title: `${i + 1}. ${plainLabel(o.label)}`, // a button title: not markdown
      verb: 'chooseOption',
      data: { draftId: draft.id, slot: next.slot, optionId: o.id },
    })),
    list: list.map((o) => ({ title: plainLabel(o.label), value: o.id })),
    listLabel: 'Choose one',
    actions,
  });
}

/** What the bot understood, before filing anything it was not sure of. */
export function confirmCard(
  draft: Draft,
  text = 'Please check before I file it; I was not completely sure.',
): AdaptiveCard {
  const count = draft.connectors.length;
  return renderCard('confirm-card', {
    title: 'Is this what you want?',
    text,
    facts: describeDraft(draft).map((f) => ({ title: f.title, value: plain(f.value) })),
    notes: count > 1 ? [{ text: `I'll file ${count} requests, one per connector.` }] : [],
    actions: [
      { title: 'Confirm', verb: 'confirmDraft', data: { draftId: draft.id }, style: 'positive' },
      { title: 'Change', verb: 'changeDraft', data: { draftId: draft.id }, style: 'default' },
      { title: 'Cancel', verb: 'cancelDraft', data: { draftId: draft.id }, style: 'destructive' },
    ],
  });
}

/** "What should I change?" with one button per field of the draft. */
export function changeCard(draft: Draft): AdaptiveCard {
  const fields: { slot: string; title: string }[] =
    draft.type === 'new-environment'
      ? [
          { slot: 'name', title: 'Name' },
          { slot: 'sku', title: 'Type' },
          { slot: 'location', title: 'Region' },
          { slot: 'dataverse', title: 'Dataverse' },
        ]
      : [
          { slot: 'environment', title: 'Environment' },
          ...(draft.type === 'unblock-connector' ? [{ slot: 'connector', title: 'Connector' }] : []),
        ];
  return renderCard('choice-card', {
    title: 'What should I change?',
    text: 'Or just type the correction, for example "no, I meant HR Dev".',
    hint: null,
    buttons: fields.map((f) => ({ title: f.title, verb: 'changeDraft', data: { draftId: draft.id, slot: f.slot } })),
    list: [],
    listLabel: '',
    actions: [{ title: 'Cancel', verb: 'cancelDraft', data: { draftId: draft.id } }],
  });
}

export function cancelConfirmCard(request: GovernanceRequest): AdaptiveCard {
  return renderCard('confirm-card', {
    title: `Cancel ${request.id}?`,
    text: `${TITLES[request.type]} ${target(request)}. Nothing has been changed yet; cancelling withdraws it from the approvers.`,
    facts: [
      { title: 'Status', value: request.status },
      { title: 'Asked', value: request.createdAt.slice(0, 10) },
    ],
    notes: [],
    actions: [
      { title: 'Yes, cancel it', verb: 'cancelConfirm', data: { requestId: request.id }, style: 'destructive' },
      { title: 'Keep it', verb: 'showRequest', data: { requestId: request.id }, style: 'default' },
    ],
  });
}

/** "Give up …?": what ends, what that means, and that no approval is needed. Buttons carry the offer id only. */
export function releaseConfirmCard(offer: ReleaseOffer): AdaptiveCard {
  const d = offer.details;
  const env = plain(d.environment.displayName);
  const connector = plain(d.connector?.displayName ?? 'the connector');
  const maker = d.access === 'maker-role';
  return renderCard('confirm-card', {
    title: maker ? `Give up the Environment Maker role in ${env}?` : `End your ${connector} exception in ${env} now?`,
    text: maker
      ? `You will no longer be able to build apps and flows in ${env}. No approval is needed: I remove it as soon as you confirm, and you can ask for it again later.`
      : offer.keptForOthers
        ? `Your exception ends, but ${connector} stays allowed in ${env}: someone else's approved exception still relies on it. No approval is needed: I end yours as soon as you confirm.`
        : `${connector} will be blocked in ${env} again, also for apps and flows there that use it. No approval is needed: I end it as soon as you confirm.`,
    facts: [
      { title: 'Environment', value: `${env} (${d.environment.sku})` },
      ...(maker ? [] : [{ title: 'Connector', value: connector }]),
      d.grants.length > 0
        ? { title: d.grants.length > 1 ? 'Grants' : 'Grant', value: d.grants.join(', ') }
        : { title: 'Granted', value: 'outside this bot' },
    ],
    notes: [],
    actions: [
      {
        title: maker ? 'Yes, remove my role' : 'Yes, end it now',
        verb: 'confirmRelease',
        data: { offerId: offer.id },
        style: 'destructive',
      },
      { title: 'Keep it', verb: 'keepAccess', data: { offerId: offer.id }, style: 'default' },
    ],
  });
}

/** A short card replacing a clicked question card, so old buttons cannot be pressed again. */
export function doneCard(title: string, text?: string): AdaptiveCard {
  // Titles quote choices ("You chose …") and card data: shown as text, like every other string here.
  return renderCard('confirm-card', {
    title: plain(title),
    text: text ? plain(text) : null,
    facts: [],
    notes: [],
    actions: [],
  });
}

/** How many names a chat card lists before "and N more" (the CSV export has them all). */
export const MAX_LISTED_NAMES = 10;

/** "Who has Power Apps licences": holders per plan, who has no Power Apps plan, and the command for the CSV. */
export function licenceReportCard(summary: LicenceSummary, command: string): AdaptiveCard {
  const missing = summary.withoutPowerApps;
  // Names only, in one paragraph: it stays short in a narrow column; the CSV has the UPNs.
  const names = missing.slice(0, MAX_LISTED_NAMES).map((u) => plain(u.displayName));
  const more = missing.length > MAX_LISTED_NAMES ? ` and ${missing.length - MAX_LISTED_NAMES} more` : '';
  return renderCard('notice-card', {
    title: 'Power Apps and Power Automate licences',
    color: 'Default',
    text: `${summary.users} user${summary.users === 1 ? '' : 's'} in the directory. Holders per plan:`,
    facts:
      summary.plans.length > 0
        ? summary.plans.map((p) => ({ title: String(p.holders), value: plain(`${p.product}: ${p.plan}`) }))
        : [{ title: '0', value: 'Nobody holds a Power Apps or Power Automate plan' }],
    items: [
      {
        text:
          missing.length === 0
            ? 'Everyone has a Power Apps plan.'
            : `**Without a Power Apps plan (${missing.length}):** ${names.join(', ')}${more}`,
      },
      { text: `Full report as CSV: ${codeSpan(command)}` },
    ],
    actions: [],
  });
}
