// The MessageComposer implementation: Adaptive Card activities for every proactive message.
import type { Activity, CardCopyView, CardNotice, MessageComposer } from '../../outbox/messages.js';
import { changeSummary } from '../../requests/change-summary.js';
import type { GovernanceRequest } from '../../requests/model.js';
import { describeRelease } from '../../requests/release.js';
import { nextStep } from '../../requests/state-machine.js';
import { type Audience, requestCardData, TITLES } from './request-view.js';
import { cardActivity, plain, renderCard } from './template.js';
import { replyText } from './user-text.js';

export function requestCard(
  request: GovernanceRequest,
  audience: Audience,
  notice?: CardNotice,
  refreshUserIds: string[] = [],
  shared = false,
) {
  return renderCard('request-card', requestCardData(request, audience, notice, refreshUserIds, shared));
}

/** Who gets a per-user view of a channel card (refresh.userIds): the requester and the current stage's approvers. */
export type RefreshAudience = (request: GovernanceRequest) => string[];

export interface NoticeCardData {
  title: string;
  color?: string;
  text?: string | null;
  facts?: { title: string; value: string }[];
  items?: { text: string }[];
  actions?: { title: string; verb: string; data: Record<string, unknown> }[];
}

export function noticeCard(data: NoticeCardData) {
  return renderCard('notice-card', {
    color: 'Default',
    text: null,
    facts: [],
    items: [],
    actions: [],
    ...data,
    // A title never carries markdown of the bot's own; it may quote a name (plain is idempotent).
    title: plain(data.title),
  });
}

const UPDATE_HEADLINE: Partial<Record<GovernanceRequest['status'], string>> = {
  approved: 'approved',
  executing: 'approved and in progress',
  completed: 'done',
  failed: 'could not be completed',
  rejected: 'rejected',
  cancelled: 'cancelled',
  expired: 'expired',
  revoked: 'ended and reverted',
};

/** What happened, in one sentence the requester can act on (not just "Done."). */
export function outcomeSentence(request: GovernanceRequest): string {
  const d = request.details;
  if (request.status !== 'completed') return nextStep(request);
  const until = request.grantEndsAt ? ` until ${request.grantEndsAt.slice(0, 10)}` : '';
  switch (d.type) {
    case 'maker-role':
      return `You now hold the Environment Maker role in ${plain(d.environment.displayName)}${until}. You can build apps and flows there.`;
    case 'connector-unblock': {
      const group = d.classification === 'Confidential' ? 'Business' : 'Non-business';
      const where =
        d.scope === 'exception' ? `in ${plain(d.environment.displayName)}` : 'in every environment the policy covers';
      return `${plain(d.connector.displayName)} is now allowed ${where}, as ${group}${until}. Use it only with other ${group} connectors in one app or flow.`;
    }
    case 'new-environment':
      return `${plain(d.displayName)} is ready and you are its Environment Admin.`;
    case 'release':
      return d.access === 'maker-role'
        ? `You no longer hold the Environment Maker role in ${plain(d.environment.displayName)}. Ask me again whenever you need it.`
        : `Your ${plain(d.connector?.displayName ?? 'connector')} exception in ${plain(d.environment.displayName)} has ended; the connector is blocked there again.`;
    default: {
      const never: never = d;
      return never;
    }
  }
}

export class AdaptiveCardComposer implements MessageComposer {
  constructor(private readonly refreshAudience?: RefreshAudience) {}

  /**
   * Posted in the approvals channel, which every member of the channel reads: the base card carries no email,
   * department or licence of the requester. The users listed in refresh.userIds (the requester and the current
   * stage's approvers) get their own view with those details from the refresh invoke, which checks visibility.
   */
  approvalCard(request: GovernanceRequest, notice?: CardNotice): Activity {
    const users = this.refreshAudience?.(request) ?? [];
    return cardActivity(
      requestCard(request, 'approver', notice, users, true),
      `${request.id}: ${TITLES[request.type]}`,
    );
  }

  receiptCard(request: GovernanceRequest, notice?: CardNotice): Activity {
    return cardActivity(requestCard(request, 'requester', notice), `${request.id} received`);
  }

  requestCopy(request: GovernanceRequest, view: CardCopyView): Activity {
    if (view === 'approval') return this.approvalCard(request);
    const audience = view === 'approver' ? 'approver' : view.startsWith('requester') ? 'requester' : 'readonly';
    return cardActivity(
      requestCard(request, audience, undefined, [], view.endsWith('-shared')),
      `${request.id}: ${request.status}`,
    );
  }

  requesterUpdate(request: GovernanceRequest): Activity {
    const last = request.decisions.at(-1);
    const facts = [{ title: 'Request', value: `${request.id}: ${TITLES[request.type]}` }];
    if (last) facts.push({ title: 'Decided by', value: plain(last.approver.displayName) });
    if (last?.comment) facts.push({ title: 'Comment', value: plain(last.comment) });
    if (request.execution.error) facts.push({ title: 'Reason', value: plain(request.execution.error.message) });
    const change = changeSummary(request);
    if (change) facts.push({ title: 'Change made', value: plain(change) });
    const result = request.execution.result;
    const link = request.status === 'completed' && result && typeof result.link === 'string' ? result.link : undefined;
    const color =
      // Teams' "good" text colour is unreadable on white: success reads in default text.
      ['failed', 'rejected'].includes(request.status) ? 'Attention' : 'Default';
    return cardActivity(
      noticeCard({
        title: `Your request ${request.id} ${request.endedEarly ? 'ended early' : `was ${UPDATE_HEADLINE[request.status] ?? request.status}`}`,
        color,
        // The outcome may quote names people typed; the link is the bot's own (it stays a link).
        text: [plain(outcomeSentence(request)), link ? `Open it: ${link}` : undefined].filter(Boolean).join('\n\n'),
        facts,
        actions: [{ title: 'Show request', verb: 'showRequest', data: { requestId: request.id } }],
      }),
      `${request.id} ${request.status}`,
    );
  }

  auditPost(request: GovernanceRequest, summary: string): Activity {
    const d = request.details;
    const target =
      d.type === 'new-environment'
        ? plain(d.displayName)
        : d.type === 'connector-unblock'
          ? `${plain(d.connector.displayName)} in ${plain(d.environment.displayName)}`
          : d.type === 'release'
            ? plain(describeRelease(d))
            : plain(d.environment.displayName);
    const approvers = request.decisions
      .map((x) => {
        const stage = request.stages.length > 1 ? request.stages[x.stage]?.name : undefined;
        return `${plain(x.approver.displayName)}${stage ? ` (${plain(stage)})` : ''}`;
      })
      .join(', ');
    const calls = request.execution.apiCalls;
    const facts = [
      // A channel whose readers need not be approvers: the name only (the audit record keeps who it was).
      { title: 'Requester', value: plain(request.requester.displayName) },
      { title: 'Target', value: target },
      {
        title: 'Decided by',
        value: approvers || (request.routing?.outcome === 'auto-approve' ? `rule ${request.routing.ruleId}` : 'nobody'),
      },
      { title: 'Outcome', value: request.status },
      ...(d.type === 'connector-unblock'
        ? [
            {
              title: 'Scope',
              value: d.scope === 'tenant-wide' ? 'Tenant-wide' : `Exception for ${plain(d.environment.displayName)}`,
            },
            { title: 'Classification', value: d.classification === 'Confidential' ? 'Business' : 'Non-business' },
          ]
        : []),
      ...(changeSummary(request) ? [{ title: 'Change made', value: plain(changeSummary(request) ?? '') }] : []),
      {
        title: 'API calls',
        value: calls.length === 0 ? 'none' : `${calls.length} (last: ${calls.at(-1)?.method} ${calls.at(-1)?.status})`,
      },
      { title: 'At', value: `${request.updatedAt.slice(0, 16).replace('T', ' ')} UTC` },
    ];
    return cardActivity(
      renderCard('audit-entry-card', {
        headline: `${request.id} · ${TITLES[request.type]}: ${plain(summary)}`,
        color: request.status === 'failed' ? 'Attention' : 'Default',
        // Lines and the condition prepared here: each ${…} of a template is evaluated again on every render.
        facts: facts.map((fact) => ({ text: `**${fact.title}:** ${fact.value}` })),
        hasFacts: facts.length > 0,
        requestId: request.id,
      }),
      `${request.id} ${request.status}`,
    );
  }

  text(message: string): Activity {
    return { type: 'message', text: replyText(message) }; // like textReply: no markdown of the bot's own
  }
}
