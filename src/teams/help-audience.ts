// Which help card a user gets (the approver's or the maker's) takes a Graph group check, and "help" is what people
// type most. The answer is kept per user for a minute, so a busy chat does not cost a Graph call per turn. It only
// picks the help card's examples and buttons: every approver-only command and button checks the group again, so a
// stale answer can show the wrong examples for a minute, never let anyone do more.
import { LRUCache } from 'lru-cache';

export type HelpAudienceKind = 'approver' | 'maker';

export const HELP_AUDIENCE_TTL_MS = 60_000;
const MAX_USERS = 10_000;

export class HelpAudience {
  private readonly known: LRUCache<string, HelpAudienceKind>;

  /** `now` (monotonic ms) is for tests; the default is performance.now. */
  constructor(isApprover: (userId: string) => Promise<boolean>, options: { ttlMs?: number; now?: () => number } = {}) {
    this.known = new LRUCache<string, HelpAudienceKind>({
      max: MAX_USERS,
      ttl: options.ttlMs ?? HELP_AUDIENCE_TTL_MS,
      ...(options.now ? { perf: { now: options.now } } : {}),
      // Concurrent "help" turns of one user share one lookup; a failed lookup is not kept.
      fetchMethod: async (userId) => ((await isApprover(userId)) ? 'approver' : 'maker'),
    });
  }

  async of(userId: string): Promise<HelpAudienceKind> {
    const kind = await this.known.fetch(userId);
    if (!kind) throw new Error('help audience lookup returned nothing');
    return kind;
  }
}
