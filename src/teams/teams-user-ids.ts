// Teams names the users of a card's per-user view (refresh.userIds) by their Teams user id, the MRI ("29:…") that
// arrives as from.id on their activities, not by their Entra object id (Teams platform docs, user-specific views).
// The bot learns each user's MRI from their own activities and keeps it in storage, so every replica can list it.
// Someone the bot has not heard from yet is listed by object id, the only id it has for them; whatever Teams makes
// of that, their view is checked again on the server when it is fetched, and once they act on the card (or write to
// the bot) they are listed by MRI from then on.
import { LRUCache } from 'lru-cache';
import type { Store } from '../requests/ports/store.js';

const key = (aadObjectId: string) => `teams-user:${aadObjectId}`;
/** Someone not found in storage is looked up again after this long (they may have written to another replica). */
const RETRY_MS = 5 * 60_000;
/** Users kept in memory: a large tenant's long tail is read from storage again when needed, not held forever. */
const MAX_USERS = 20_000;

export class TeamsUserIds {
  private readonly known: LRUCache<string, string>;
  private readonly looked: LRUCache<string, number>;

  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
    maxUsers = MAX_USERS,
  ) {
    this.known = new LRUCache({ max: maxUsers });
    this.looked = new LRUCache({ max: maxUsers });
  }

  /** Called with every activity's sender: stores the MRI the first time this process sees it (or when it changed). */
  async remember(aadObjectId: string | undefined, mri: string | undefined): Promise<void> {
    if (!aadObjectId || !mri?.startsWith('29:') || this.known.get(aadObjectId) === mri) return;
    await this.store.kv.set(key(aadObjectId), mri);
    this.known.set(aadObjectId, mri);
  }

  /** The ids to list for these users (sync, for card rendering); unknown ones are looked up in the background. */
  idsFor(aadObjectIds: string[]): string[] {
    const now = this.clock().getTime();
    return aadObjectIds.map((id) => {
      const mri = this.known.get(id);
      if (mri) return mri;
      if (now - (this.looked.get(id) ?? Number.NEGATIVE_INFINITY) > RETRY_MS) {
        this.looked.set(id, now);
        void this.store.kv
          .get<string>(key(id))
          .then((found) => {
            if (typeof found === 'string' && !this.known.has(id)) this.known.set(id, found);
          })
          .catch(() => undefined);
      }
      return id;
    });
  }
}
