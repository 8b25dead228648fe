// "What is happening with my dropbox request?": which of the requester's requests the question is about, from
// what it names (a connector, an environment). The open ones come first, the most recent first; a cancelled one
// only when nothing else matches, so the answer is about the request the requester means.
import type { GovernanceRequest } from './model.js';
import { isFinal } from './state-machine.js';

export interface StatusClues {
  /** Connector ids (/providers/.../shared_x) or names (shared_x) the question names. */
  connectorIds: string[];
  environmentIds: string[];
}

export type StatusAnswer =
  /** No clue in the question: every open request (none: the latest). */
  | { kind: 'open'; requests: GovernanceRequest[] }
  /** The request the question is about. */
  | { kind: 'one'; request: GovernanceRequest }
  /** The question names something no request of theirs is about. */
  | { kind: 'none' };

const lastSegment = (id: string) => (id.split('/').filter(Boolean).pop() ?? id).toLowerCase();

function matches(request: GovernanceRequest, clues: StatusClues): boolean {
  const d = request.details;
  if (clues.connectorIds.length > 0) {
    if (d.type !== 'connector-unblock') return false;
    if (!clues.connectorIds.some((c) => lastSegment(c) === lastSegment(d.connector.id))) return false;
  }
  if (clues.environmentIds.length > 0) {
    if (d.type === 'new-environment') return false;
    if (!clues.environmentIds.some((e) => lastSegment(e) === lastSegment(d.environment.id))) return false;
  }
  return true;
}

/** Rank: open first, then decided ones, cancelled last; the most recent first within each. */
function rank(request: GovernanceRequest): number {
  if (!isFinal(request.status)) return 0;
  return request.status === 'cancelled' ? 2 : 1;
}

export function answerStatusQuestion(requests: GovernanceRequest[], clues: StatusClues): StatusAnswer {
  const newestFirst = [...requests].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  if (clues.connectorIds.length === 0 && clues.environmentIds.length === 0)
    return { kind: 'open', requests: newestFirst.filter((r) => !isFinal(r.status)) };
  const found = newestFirst.filter((r) => matches(r, clues)).sort((a, b) => rank(a) - rank(b));
  const best = found[0];
  return best ? { kind: 'one', request: best } : { kind: 'none' };
}
