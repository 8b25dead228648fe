// Small reply builders shared by the Teams handlers.
import type { Activity } from 'botbuilder';
import type { GovernanceRequest } from '../requests/model.js';
import { nextStep } from '../requests/state-machine.js';
import { noticeCard } from './cards/composer.js';
import { TITLES } from './cards/request-view.js';
import { cardActivity } from './cards/template.js';

export function textReply(text: string): Partial<Activity> {
  return { type: 'message', text };
}

export function cardReply(card: Record<string, unknown>, summary?: string): Partial<Activity> {
  return cardActivity(card, summary) as Partial<Activity>;
}

export function helpCard() {
  return noticeCard({
    title: 'What I can do',
    text: 'Ask me in your own words. For example:',
    items: [
      { text: '**Maker role**: "I need the Environment Maker role in Finance Sandbox because I build the budget app"' },
      { text: '**Connector**: "unblock Dropbox in Contoso Dev"' },
      { text: '**New environment**: "new sandbox environment called Payroll Tools in Europe"' },
      { text: '**Your requests**: "my requests", "status REQ-1001", "cancel REQ-1001"' },
      { text: '**Approvers**: "pending requests", "approve REQ-1001 looks fine", "reject REQ-1001 not needed"' },
      {
        text: '**Admins, in a team channel**: "set approvals channel", "set audit channel", "set notifications channel"',
      },
    ],
    actions: [
      { title: 'My requests', verb: 'listMine', data: {} },
      { title: 'Pending approvals', verb: 'listPending', data: {} },
    ],
  });
}

export function requestListCard(title: string, requests: GovernanceRequest[], empty: string) {
  return noticeCard({
    title,
    text: requests.length === 0 ? empty : null,
    items: requests.slice(0, 15).map((r) => ({
      text: `**${r.id}** · ${TITLES[r.type]} · ${r.status} · ${r.createdAt.slice(0, 10)}\n${nextStep(r)}`,
    })),
    actions: requests
      .slice(0, 5)
      .map((r) => ({ title: `Open ${r.id}`, verb: 'showRequest', data: { requestId: r.id } })),
  });
}
