// "audit log for Megan", "what did adele.vance do": people named in a message, matched against the directory by
// first name, last name, full name or the part of the UPN before the @. Exact words only: a wrong person in
// an audit answer is worse than asking, so there is no typo correction here.
import type { DirectoryUser } from '../tenant/tenant-admin.js';
import { STOPWORDS, type Token } from './text.js';

/** Words of audit questions that are never names. */
const NOT_NAMES = new Set([
  'audit',
  'auditing',
  'trail',
  'log',
  'logs',
  'history',
  'entries',
  'records',
  'events',
  'activity',
  'show',
  'list',
  'happened',
  'changed',
  'done',
  'did',
  'last',
  'past',
  'week',
  'month',
  'yesterday',
  'today',
  'since',
  'who',
]);

function nameParts(user: DirectoryUser): Set<string> {
  const local = user.userPrincipalName.split('@')[0]?.toLowerCase() ?? '';
  return new Set(
    [...user.displayName.toLowerCase().split(/[^a-z0-9]+/), local, ...local.split(/[._-]+/)].filter(
      (w) => w.length >= 2,
    ),
  );
}

/** The users the message names; the most words matched first. Empty when no word names anyone. */
export function findPeople(tokens: Token[], users: DirectoryUser[]): DirectoryUser[] {
  const words = tokens.map((t) => t.norm).filter((w) => w.length >= 2 && !STOPWORDS.has(w) && !NOT_NAMES.has(w));
  if (words.length === 0) return [];
  const scored = users
    .map((u) => {
      const parts = nameParts(u);
      return { user: u, hits: words.filter((w) => parts.has(w)).length };
    })
    .filter((s) => s.hits > 0)
    .sort((a, b) => b.hits - a.hits);
  const best = scored[0]?.hits ?? 0;
  return scored.filter((s) => s.hits === best).map((s) => s.user);
}
