// Governance events → cards for the notifications channel, one card per kind of change ("12 new environments"
// with the list), so a burst of changes is a handful of posts, not hundreds.
import type { Activity } from '../outbox/messages.js';
import { cardActivity, plain, renderCard } from '../teams/cards/template.js';
import type { GovernanceEvent } from './events.js';

/** Lines listed on one card before "… and N more" (cards must stay well under Teams' size limit). */
export const MAX_LINES_PER_CARD = 25;

const GROUP_NAMES: Record<string, string> = { Confidential: 'Business', General: 'Non-business', Blocked: 'Blocked' };
const group = (c: string) => c.replace(/^(Confidential|General|Blocked)/, (m) => GROUP_NAMES[m] ?? m);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function title(type: GovernanceEvent['type'], n: number): string {
  switch (type) {
    case 'environment.created':
      return plural(n, 'new environment', 'new environments');
    case 'environment.deleted':
      return `${plural(n, 'environment', 'environments')} deleted`;
    case 'environment.type-changed':
      return `${plural(n, 'environment', 'environments')} changed type`;
    case 'dlp.created':
      return `${plural(n, 'DLP policy', 'DLP policies')} created`;
    case 'dlp.deleted':
      return `${plural(n, 'DLP policy', 'DLP policies')} deleted`;
    case 'dlp.changed':
      return `${plural(n, 'DLP policy', 'DLP policies')} changed`;
    case 'connector.added':
      return plural(n, 'new connector in the catalogue', 'new connectors in the catalogue');
    case 'role.added':
      return `${plural(n, 'environment role', 'environment roles')} granted outside the bot`;
    case 'role.removed':
      return `${plural(n, 'environment role', 'environment roles')} removed outside the bot`;
    case 'activity':
      return plural(n, 'admin activity', 'admin activities');
  }
}

function line(e: GovernanceEvent, envName: (id: string) => string): string {
  switch (e.type) {
    case 'environment.created':
    case 'environment.deleted':
      return `${e.name} (${e.sku})`;
    case 'environment.type-changed':
      return `${e.name}: ${e.from} → ${e.to}`;
    case 'dlp.created':
    case 'dlp.deleted':
      return `${e.name} (${e.environmentType}${e.environments.length ? `: ${e.environments.map(envName).join(', ')}` : ''})`;
    case 'dlp.changed': {
      const parts = e.moved.map((m) => `${m.connector} ${group(m.from)} → ${group(m.to)}`);
      if (e.environmentsAdded.length) parts.push(`scope + ${e.environmentsAdded.map(envName).join(', ')}`);
      if (e.environmentsRemoved.length) parts.push(`scope − ${e.environmentsRemoved.map(envName).join(', ')}`);
      if (e.scope) parts.push(`applies to ${e.scope.from} → ${e.scope.to}`);
      if (e.defaultGroup) parts.push(`default group ${group(e.defaultGroup.from)} → ${group(e.defaultGroup.to)}`);
      return `${e.name}: ${parts.join('; ')}`;
    }
    case 'connector.added':
      return `${e.name} (${e.tier}${e.publisher ? `, ${e.publisher}` : ''})`;
    case 'role.added':
    case 'role.removed':
      if (e.via === 'dataverse')
        return `${e.principal}${e.principalType === 'User' ? '' : ` (${e.principalType})`} ${e.type === 'role.added' ? 'became' : 'is no longer'} ${e.role} in ${e.environment} (Dataverse role)`;
      return `${e.role} ${e.type === 'role.added' ? 'for' : 'from'} ${e.principal} (${e.principalType}) in ${e.environment}`;
    case 'activity':
      return `${e.at.slice(0, 16).replace('T', ' ')} ${e.summary}`;
  }
}

export interface NotificationCard {
  /** The event type the card groups (part of its outbox key). */
  type: GovernanceEvent['type'];
  count: number;
  activity: Activity;
}

/** One card per event type, in the order the types first appear. */
export function notificationCards(
  events: GovernanceEvent[],
  envName: (id: string) => string = (id) => id,
): NotificationCard[] {
  const byType = new Map<GovernanceEvent['type'], GovernanceEvent[]>();
  for (const e of events) byType.set(e.type, [...(byType.get(e.type) ?? []), e]);
  return [...byType.entries()].map(([type, list]) => {
    const lines = list.slice(0, MAX_LINES_PER_CARD).map((e) => ({ text: plain(line(e, envName)) }));
    if (list.length > MAX_LINES_PER_CARD) lines.push({ text: `… and ${list.length - MAX_LINES_PER_CARD} more` });
    const heading = title(type, list.length);
    const card = renderCard('notice-card', {
      title: heading,
      color: type.endsWith('deleted') || type === 'role.added' ? 'Attention' : 'Default', // Teams' yellow is unreadable on white
      text: null,
      facts: [],
      items: lines,
      actions: [],
    });
    return { type, count: list.length, activity: cardActivity(card, heading) };
  });
}
