// "Who decides?" for the person who asked: one sentence saying who decides, why (the rule's own reason), and how
// long such a decision usually takes. The rule-by-rule trace is for approvers (see the card action handler).

import type { GovernanceRequest } from './model.js';
import { currentStage } from './state-machine.js';

/** Fewer decided requests than this and a "usual" time would be a guess: the reminder and expiry are named. */
const MIN_SAMPLE = 3;

export interface DecisionTimings {
  remindAfterHours: number;
  expireAfterDays: number;
}

/** The median time from filing to the last decision among decided requests (undefined when too few). */
export function usualDecisionMs(decided: GovernanceRequest[]): number | undefined {
  const times = decided
    .flatMap((r) => {
      const last = r.decisions.at(-1);
      return last ? [Date.parse(last.at) - Date.parse(r.createdAt)] : [];
    })
    .filter((ms) => Number.isFinite(ms) && ms >= 0)
    .sort((a, b) => a - b);
  if (times.length < MIN_SAMPLE) return undefined;
  const mid = Math.floor(times.length / 2);
  return times.length % 2 ? times[mid] : ((times[mid - 1] ?? 0) + (times[mid] ?? 0)) / 2;
}

export function roughDuration(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 90) return minutes === 1 ? 'a minute' : `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hours`;
  return `${Math.round(hours / 24)} days`;
}

/** "Every other request needs…" → "every other request needs…" (acronyms such as "DLP …" stay as they are). */
function asClause(reason: string): string {
  const trimmed = reason.trim().replace(/[.!]+$/, '');
  return /^[A-Z]([a-z]|\s)/.test(trimmed) ? trimmed[0]?.toLowerCase() + trimmed.slice(1) : trimmed;
}

function groupNames(request: GovernanceRequest, from: number): string {
  const names = request.stages.slice(from).map((s) => s.groupName ?? s.name);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')}, then ${names.at(-1)}` : (names[0] ?? 'the approvers');
}

/**
 * One sentence for the requester. `usualMs` is usualDecisionMs() over similar decided requests. A hypothetical
 * (a dry run of the policy for a request not filed) says what would happen: "… would decide".
 */
export function whoDecidesSentence(
  request: GovernanceRequest,
  usualMs: number | undefined,
  timings: DecisionTimings,
  mood: 'actual' | 'hypothetical' = 'actual',
): string {
  const why = request.routing ? `: ${asClause(request.routing.reason)}` : '';
  const would = mood === 'hypothetical';
  const last = request.decisions.at(-1);
  if (request.routing?.outcome === 'auto-approve' || request.routing?.outcome === 'already-satisfied')
    return `Nobody ${would ? 'would have' : 'had'} to decide${why}.`;
  if (request.routing?.outcome === 'auto-deny')
    return `The policy ${would ? 'would turn' : 'turns'} this down without a person${why}.`;
  if (request.status !== 'pending' && !would) {
    if (!last) return `Nobody decided: the request is ${request.status}.`;
    const verdict = last.verdict === 'approve' ? 'approved' : 'rejected';
    return `${last.approver.displayName} ${verdict} it on ${last.at.slice(0, 10)}${why}.`;
  }
  const stage = currentStage(request) ?? 0;
  const needed = request.stages[stage]?.approvals ?? 1;
  const who = `${groupNames(request, stage)} ${would ? 'would decide' : 'decide'}${needed > 1 ? ` (${needed} approvals)` : ''}`;
  const when =
    usualMs !== undefined
      ? `similar requests are usually decided within about ${roughDuration(usualMs)}`
      : `they are reminded after ${roughDuration(timings.remindAfterHours * 3_600_000)}, and without a decision it expires after ${timings.expireAfterDays} days`;
  return `${who}${why}; ${when}.`;
}
