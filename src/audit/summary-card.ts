// The card an approver gets for "audit for Finance Sandbox last week": the latest matching entries and the CLI
// command that exports the full range. Callable by the chat layer: auditSummaryCard(store, query, options).
import type { Store } from '../requests/ports/store.js';
import { cardActivity, codeSpan, plain, renderCard } from '../teams/cards/template.js';
import { type AuditQuery, queryAudit } from './query.js';

export interface AuditSummaryOptions {
  now: Date;
  /** Shown in the title instead of the raw environment id (e.g. "Finance Sandbox"). */
  environmentName?: string | undefined;
  /** How many entries the card lists (default 10). */
  entries?: number | undefined;
}

const OUTCOME_MARK: Record<string, string> = { success: '✔', failure: '✖', refused: '⛔', info: '•' };

export async function auditSummaryCard(
  store: Pick<Store, 'audit'>,
  query: AuditQuery,
  options: AuditSummaryOptions,
): Promise<Record<string, unknown>> {
  const shown = options.entries ?? 10;
  const all = await queryAudit(store, { ...query, limit: undefined }, options.now);
  const latest = all.slice(-shown).reverse();
  const scope = options.environmentName ?? query.environmentId ?? query.requestId ?? 'all environments';
  const items = latest.map((r) => ({
    // The who is stored from outside (a directory name, an id from an activity); the rest is the bot's own.
    text:
      `${OUTCOME_MARK[r.outcome] ?? '•'} ${r.at.slice(0, 16).replace('T', ' ')} ${r.action}` +
      `${r.requestId ? ` ${r.requestId}` : ''} — ${plain(r.actorUpn ?? r.actorId)}`,
  }));
  if (all.length > shown) items.push({ text: `… and ${all.length - shown} more` });
  const command = exportCommand(query);
  const card = renderCard('notice-card', {
    title: plain(`Audit: ${scope}`),
    color: 'Default',
    text:
      all.length === 0
        ? 'No audit entries match.'
        : `${all.length} entr${all.length === 1 ? 'y' : 'ies'}; the latest ${Math.min(shown, all.length)} below. Full export: ${codeSpan(command)}`,
    facts: [
      { title: 'Since', value: query.since ?? 'the beginning' },
      { title: 'Until', value: query.until ?? 'now' },
    ],
    items,
    actions: [],
  });
  return cardActivity(card, `Audit: ${scope}`);
}

/** The govbot command that exports exactly this query. */
export function exportCommand(query: AuditQuery): string {
  const parts = ['npx govbot audit export --format csv'];
  const flag = (name: string, value: string | undefined) => {
    if (value) parts.push(`--${name} ${/^[\w.:@-]+$/.test(value) ? value : JSON.stringify(value)}`);
  };
  flag('since', query.since);
  flag('until', query.until);
  flag('environment', query.environmentId);
  flag('request', query.requestId);
  flag('user', query.user);
  flag('action', query.action);
  flag('outcome', query.outcome);
  return parts.join(' ');
}
