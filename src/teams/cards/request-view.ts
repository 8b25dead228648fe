// Builds the typed data for request-card.json: one template, a view per reader (approver, requester,
// read-only). Strings are composed here so the template stays presentational.
import type { CardNotice } from '../../outbox/messages.js';
import type { GovernanceRequest, RequestStatus } from '../../requests/model.js';
import { describeRelease } from '../../requests/release.js';
import { cardRevision, currentStage, nextStep } from '../../requests/state-machine.js';
import { describeLicence } from '../../tenant/licence-plans.js';
import { type ChangeTense, connectorChangeSections } from './connector-change-view.js';
import { plain, plainLabel } from './template.js';

export type Audience = 'approver' | 'requester' | 'readonly';

export interface Fact {
  title: string;
  value: string;
}

/**
 * Whether each optional part of the card shows, decided here from the data: the template's $when reads a prepared
 * boolean (one lookup) instead of evaluating `count(x) > 0` or `x != null` (three or four) on every render.
 */
export interface RequestCardConditions {
  hasRefresh: boolean;
  hasNotice: boolean;
  hasFacts: boolean;
  hasLicenceWarning: boolean;
  hasJustification: boolean;
  hasSections: boolean;
  hasProgress: boolean;
  hasHistory: boolean;
  hasQuestions: boolean;
  hasRouting: boolean;
  hasChoices: boolean;
}

export interface RequestCardData extends RequestCardConditions {
  title: string;
  requestId: string;
  /** What the reader decided on: changes only when a decision is recorded (see cardRevision). */
  revision: number;
  /** The id and the status: one prepared field, as each ${…} of the template costs an evaluation per render. */
  heading: string;
  statusStyle: string;
  notice: { text: string; style: string } | null;
  summary: string;
  /** Each fact as its line ("**Title:** value"), composed here rather than by the template (see heading). */
  facts: { text: string }[];
  licenceWarning: string | null;
  justification: string | null;
  sections: { heading: string; body: string }[];
  progress: { text: string; color: string }[];
  history: { text: string }[];
  routing: string | null;
  canDecide: boolean;
  canCancel: boolean;
  approveTitle: string;
  choices: { id: string; label: string; value: string; options: { title: string; value: string }[] }[];
  refreshUserIds: string[];
  /** Approver questions and the requester's answers ("need more info"). */
  questions: { text: string }[];
  canAskInfo: boolean;
  /** The requester has an open question to answer. */
  canAnswer: boolean;
  /** The requester may ask to extend a time-bound grant. */
  canExtend: boolean;
  extendOptions: { title: string; value: string }[];
}

/** Teams gives per-user views to at most 60 listed users. */
export const MAX_REFRESH_USERS = 60;

/** The requester first, then the approvers of the current stage, capped at Teams' limit. */
export function refreshUsersFor(request: GovernanceRequest, stageApproverIds: string[]): string[] {
  return [...new Set([request.requester.id, ...stageApproverIds])].slice(0, MAX_REFRESH_USERS);
}

// The state shows as the header's background (a container style) with default text: Teams' own text colours
// for "warning" (#f8d22a) and "good" (#92c353) are unreadable on white, its tinted backgrounds are not.
const STATUS: Record<RequestStatus, { label: string; style: string }> = {
  pending: { label: 'Waiting for approval', style: 'warning' },
  approved: { label: 'Approved, starting', style: 'accent' },
  executing: { label: 'Approved, in progress', style: 'accent' },
  completed: { label: 'Completed', style: 'good' },
  failed: { label: 'Failed', style: 'attention' },
  rejected: { label: 'Rejected', style: 'attention' },
  cancelled: { label: 'Cancelled', style: 'emphasis' },
  expired: { label: 'Expired', style: 'emphasis' },
  revoked: { label: 'Ended and reverted', style: 'emphasis' },
};

const NOTICE_STYLE: Record<CardNotice['tone'], string> = {
  info: 'accent',
  warning: 'warning',
  error: 'attention',
  good: 'good',
};

export const TITLES: Record<GovernanceRequest['type'], string> = {
  'maker-role': 'Environment Maker role request',
  'connector-unblock': 'Connector unblock request',
  'new-environment': 'New environment request',
  release: 'Giving up own access',
};

const LOCATION_NAMES: Record<string, string> = {
  unitedstates: 'United States',
  europe: 'Europe',
  asia: 'Asia',
  australia: 'Australia',
  india: 'India',
  japan: 'Japan',
  canada: 'Canada',
  southamerica: 'South America',
  unitedkingdom: 'United Kingdom',
  france: 'France',
  germany: 'Germany',
  switzerland: 'Switzerland',
  norway: 'Norway',
  korea: 'Korea',
  southafrica: 'South Africa',
  uae: 'United Arab Emirates',
};

const LANGUAGE_NAMES: Record<number, string> = {
  1033: 'English (United States)',
  2057: 'English (United Kingdom)',
  1031: 'German',
  1036: 'French',
  3082: 'Spanish',
  1040: 'Italian',
  1043: 'Dutch',
  1046: 'Portuguese (Brazil)',
  1041: 'Japanese',
  1053: 'Swedish',
};

/** Dataverse base languages are LCIDs; admins read names. */
export function languageName(lcid: number): string {
  return LANGUAGE_NAMES[lcid] ?? `language ${lcid}`;
}

/** BAP location names (unitedstates) as people write them (United States). */
export function locationName(location: string): string {
  return LOCATION_NAMES[location.toLowerCase()] ?? location;
}

function when(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

const CLASSIFICATION_LABEL = { Confidential: 'Business', General: 'Non-business', Blocked: 'Blocked' } as const;

function describe(
  request: GovernanceRequest,
  audience: Audience,
): {
  summary: string;
  facts: Fact[];
  sections: RequestCardData['sections'];
} {
  const who = plain(request.requester.displayName);
  const d = request.details;
  switch (d.type) {
    case 'maker-role': {
      const env = d.environment;
      return {
        summary: `${who} asks for the Environment Maker role in **${plain(env.displayName)}**.`,
        facts: [
          { title: 'Environment', value: `${plain(env.displayName)} (${env.sku}, ${env.azureRegion ?? env.location})` },
          {
            title: 'Dataverse',
            value: env.hasDataverse ? 'Yes: Dataverse security role' : 'No: environment role assignment',
          },
        ],
        sections: [],
      };
    }
    case 'connector-unblock': {
      const tense = changeTense(request.status);
      const sections = connectorChangeSections(d, audience !== 'requester', tense);
      return {
        summary: `${who} asks to use **${plain(d.connector.displayName)}** in **${plain(d.environment.displayName)}**.`,
        facts: [
          { title: 'Connector', value: `${plain(d.connector.displayName)} (${d.connector.tier})` },
          { title: 'Environment', value: `${plain(d.environment.displayName)} (${d.environment.sku})` },
          { title: 'New group', value: CLASSIFICATION_LABEL[d.classification] },
          {
            title: 'Change',
            value: d.scope === 'exception' ? 'Environment-scoped exception' : 'Tenant-wide reclassification',
          },
        ],
        sections,
      };
    }
    case 'new-environment': {
      const facts: Fact[] = [
        { title: 'Name', value: plain(d.displayName) },
        { title: 'Type', value: d.sku },
        {
          title: 'Region',
          value: d.azureRegion ? `${locationName(d.location)} (${d.azureRegion})` : locationName(d.location),
        },
        {
          title: 'Dataverse',
          value: d.dataverse
            ? `Yes: ${d.dataverse.domainName}, ${d.dataverse.currency}, ${languageName(d.dataverse.languageLcid)}`
            : 'No',
        },
        { title: 'Environment Admin', value: who },
      ];
      const sections = d.dataverse
        ? [{ heading: 'Capacity', body: 'A Dataverse database uses at least 1 GB of the tenant’s database capacity.' }]
        : [];
      // The purpose is often the justification itself; show it once.
      if (d.description && d.description.trim() !== request.justification?.trim())
        sections.push({ heading: 'Purpose', body: plain(d.description) });
      return { summary: `${who} asks for a new ${d.sku} environment **${plain(d.displayName)}**.`, facts, sections };
    }
    case 'release': {
      const ended = d.grants.length > 0 ? d.grants.join(', ') : 'none (not granted through this bot)';
      return {
        summary: `${who} gives up **${plain(describeRelease(d))}**.`,
        facts: [
          { title: 'Environment', value: `${plain(d.environment.displayName)} (${d.environment.sku})` },
          ...(d.connector ? [{ title: 'Connector', value: plain(d.connector.displayName) }] : []),
          { title: 'Ends early', value: ended },
        ],
        sections: [],
      };
    }
    default: {
      const never: never = d;
      return never;
    }
  }
}

/**
 * The requester's plan in words (seeded with Microsoft 365, per app, premium), and what the request needs when
 * that is more than any plan: a Premium connector needs a premium plan. Plans come from the routing context
 * stored at filing; older requests only know whether a Power Apps licence was held.
 */
function licenceFacts(request: GovernanceRequest): Fact[] {
  const plans = request.routing?.context?.requesterPlans;
  const licence = plans
    ? describeLicence(plans).text
    : request.requester.hasPowerAppsLicense
      ? 'Power Apps (plan not recorded)'
      : 'No Power Apps licence';
  const d = request.details;
  const needs =
    d.type === 'connector-unblock' && d.connector.tier === 'Premium'
      ? [
          {
            title: 'Needs',
            value: `A premium plan (per user or per app): ${plain(d.connector.displayName)} is a Premium connector`,
          },
        ]
      : [];
  return [{ title: 'Licence', value: licence }, ...needs];
}

export function requestCardData(
  request: GovernanceRequest,
  audience: Audience,
  notice?: CardNotice,
  refreshUserIds: string[] = [],
  /** Posted in a group chat or channel others read: no email, department or licence of the requester. */
  shared = false,
): RequestCardData {
  const content = requestCardContent(request, audience, notice, refreshUserIds, shared);
  // Onto the fresh object, not spread into a new one: the spread of ~20 fields and then 11 more cost ~40 µs of the
  // ~50 a data build took (and the expansion read the resulting object more slowly), 7–10 µs this way.
  return Object.assign(content, conditionsOf(content));
}

function conditionsOf(data: Omit<RequestCardData, keyof RequestCardConditions>): RequestCardConditions {
  return {
    hasRefresh: data.refreshUserIds.length > 0,
    hasNotice: data.notice !== null,
    hasFacts: data.facts.length > 0,
    hasLicenceWarning: data.licenceWarning !== null,
    hasJustification: data.justification !== null,
    hasSections: data.sections.length > 0,
    hasProgress: data.progress.length > 0,
    hasHistory: data.history.length > 0,
    hasQuestions: data.questions.length > 0,
    hasRouting: data.routing !== null,
    hasChoices: data.choices.length > 0,
  };
}

function requestCardContent(
  request: GovernanceRequest,
  audience: Audience,
  notice: CardNotice | undefined,
  refreshUserIds: string[],
  shared: boolean,
): Omit<RequestCardData, keyof RequestCardConditions> {
  const status = STATUS[request.status];
  const { summary, facts, sections } = describe(request, audience);
  const requester = request.requester;
  const allFacts: Fact[] = [
    // Name and address on separate lines: an address in parentheses overflows a narrow Teams column.
    { title: 'Requested by', value: plain(requester.displayName) },
    ...(shared
      ? []
      : [
          // Directory data the bot means to show (Teams may link it as mail), not text someone typed.
          { title: 'Email', value: plainLabel(requester.upn) },
          ...(requester.department ? [{ title: 'Department', value: plain(requester.department) }] : []),
          ...licenceFacts(request),
        ]),
    ...facts,
    { title: 'Asked on', value: when(request.createdAt) },
    ...(request.grantEndsAt ? [{ title: 'Grant ends', value: when(request.grantEndsAt) }] : []),
    ...(request.endedEarly
      ? [{ title: 'Ended early', value: `${when(request.endedEarly.at)}, given up (${request.endedEarly.by})` }]
      : []),
  ];
  let licenceWarning: string | null = null;
  if (!shared && !requester.hasPowerAppsLicense && request.type === 'maker-role') {
    const d = request.details;
    licenceWarning =
      d.type === 'maker-role' && d.environment.hasDataverse
        ? `${plain(requester.displayName)} has no Power Apps licence. Adding them to this Dataverse environment will fail (userNotLicensed) until a licence is assigned.`
        : `${plain(requester.displayName)} has no Power Apps licence, so they cannot build apps here yet.`;
  }
  const stageIndex = currentStage(request);
  const stage = stageIndex === undefined ? undefined : request.stages[stageIndex];
  const pending = request.status === 'pending';
  const history = request.decisions.map((d) => ({
    text: `${d.verdict === 'approve' ? 'Approved' : 'Rejected'} by ${plain(d.approver.displayName)} on ${when(d.at)}${d.comment ? `: “${plain(d.comment)}”` : ''}`,
  }));
  const progress = request.execution.progress.map((p) => ({
    text: `${{ pending: '○', running: '◐', done: '●', failed: '✕' }[p.state]} ${plain(p.step)}`,
    color: p.state === 'failed' ? 'Attention' : 'Default',
  }));
  if (request.execution.error) {
    progress.push({
      text: `Failed: ${plain(request.execution.error.message)} (${request.execution.error.code})`,
      color: 'Attention',
    });
  }
  const result = request.execution.result;
  if (request.status === 'completed' && result && typeof result.link === 'string') {
    progress.push({ text: `Open: ${result.link}`, color: 'Accent' });
  }
  const choices: RequestCardData['choices'] = [];
  if (pending && audience === 'approver' && request.details.type === 'connector-unblock') {
    choices.push(
      {
        id: 'classification',
        label: 'Move the connector to',
        value: request.details.classification,
        options: [
          { title: 'Non-business', value: 'General' },
          { title: 'Business', value: 'Confidential' },
        ],
      },
      {
        id: 'scope',
        label: 'Change',
        value: request.details.scope,
        options: [
          // Expanded choices are drawn as text blocks (markdown): the name goes in escaped.
          { title: `Exception for ${plain(request.details.environment.displayName)} only`, value: 'exception' },
          {
            // How far it reaches, not "every environment the policy covers": another policy may keep it blocked.
            title: request.details.impact
              ? `Tenant-wide (${request.details.impact.tenantWideEnvironments} environments gain it)`
              : 'Tenant-wide (every environment the policy covers)',
            value: 'tenant-wide',
          },
        ],
      },
    );
  }
  const questions = (request.infoExchanges ?? []).flatMap((x) => [
    { text: `Question from ${plain(x.askedBy.displayName)} (${when(x.askedAt)}): “${plain(x.question)}”` },
    {
      text:
        x.answer !== undefined
          ? `Answer (${when(x.answeredAt ?? x.askedAt)}): “${plain(x.answer)}”`
          : 'Waiting for the requester’s answer.',
    },
  ]);
  const openQuestion = (request.infoExchanges ?? []).some((x) => x.answer === undefined);
  const escalated = stage?.escalatedTo
    ? ` Escalated: ${plain(stage.escalatedTo.groupName ?? 'the escalation group')} may decide too.`
    : '';
  const stageText =
    stage && request.stages.length > 1 ? ` (stage ${(stageIndex ?? 0) + 1} of ${request.stages.length})` : '';
  return {
    title: TITLES[request.type],
    requestId: request.id,
    revision: cardRevision(request),
    heading: `${request.id} · ${request.endedEarly ? 'Ended early' : `${status.label}${pending ? stageText : ''}`}`,
    statusStyle: status.style,
    notice: notice ? { text: plain(notice.text), style: NOTICE_STYLE[notice.tone] } : null,
    summary,
    facts: allFacts.map((fact) => ({ text: `**${fact.title}:** ${fact.value}` })),
    licenceWarning,
    justification: request.justification ? plain(request.justification) : null,
    sections,
    progress,
    history:
      request.routing?.outcome === 'auto-approve'
        ? [{ text: `Auto-approved by rule "${plain(request.routing.ruleId)}" (no person had to decide)` }, ...history]
        : history,
    routing: request.routing
      ? `Routing: ${plain(request.routing.reason)}${pending && stage ? ` Next: ${plain(stage.groupName ?? 'approvers')}.` : ''}${pending ? escalated : ''}`
      : audience === 'requester'
        ? nextStep(request)
        : null,
    canDecide: pending && audience === 'approver',
    canCancel: pending && audience === 'requester',
    approveTitle: stage && request.stages.length > 1 ? `Approve (${stage.name})` : 'Approve',
    choices,
    refreshUserIds,
    questions,
    canAskInfo: pending && audience === 'approver',
    canAnswer: pending && audience === 'requester' && openQuestion,
    canExtend: request.status === 'completed' && audience === 'requester' && request.grantEndsAt !== undefined,
    extendOptions: [
      { title: '1 week', value: 'P7D' },
      { title: '2 weeks', value: 'P14D' },
      { title: '30 days', value: 'P30D' },
    ],
  };
}

/** The tense of a connector change's heading, from the request's status. */
function changeTense(status: GovernanceRequest['status']): ChangeTense {
  if (status === 'completed') return 'made';
  if (status === 'revoked') return 'ended';
  if (status === 'rejected' || status === 'cancelled' || status === 'expired') return 'not-made';
  return 'pending'; // failed keeps the plan: it may be retried
}
