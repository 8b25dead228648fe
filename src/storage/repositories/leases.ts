import { LeaseLostError, type StoreSession } from '../../requests/ports/store.js';
import { atomically, type Db, lockedOn, type StoreContext } from './shared.js';

/**
 * Named leases. Acquire and renew read the row locked and write it in one transaction, so of two replicas racing
 * for a free or expired lease exactly one gets it; every change of holder increments the token, which fenced writes
 * compare (assertHeld) so a holder that was paused past its lease cannot act on stale ownership.
 */
export function leasesRepository(db: Db, ctx: StoreContext): StoreSession['leases'] {
  return {
    acquire(name, holder, ttlMs) {
      return atomically(db, async (trx) => {
        const now = await ctx.fleetNow(trx);
        const until = new Date(now.getTime() + ttlMs).toISOString();
        const row = await lockedOn(
          ctx,
          trx.selectFrom('leases').selectAll().where('name', '=', name),
        ).executeTakeFirst();
        if (!row) {
          // Two first acquirers: the primary key lets one insert; the other sees no row inserted and loses.
          const r = await trx
            .insertInto('leases')
            .values({ name, holder, token: 1, lease_until: until })
            .onConflict((oc) => oc.doNothing())
            .executeTakeFirst();
          return (r.numInsertedOrUpdatedRows ?? 0n) > 0n ? 1 : undefined;
        }
        if (row.holder === holder) {
          await trx.updateTable('leases').set({ lease_until: until }).where('name', '=', name).execute();
          return row.token;
        }
        if (row.lease_until >= now.toISOString()) return undefined; // another holder's lease is live
        const token = row.token + 1;
        await trx.updateTable('leases').set({ holder, token, lease_until: until }).where('name', '=', name).execute();
        return token;
      });
    },

    assertHeld(name, holder, token) {
      return atomically(db, async (trx) => {
        const now = (await ctx.fleetNow(trx)).toISOString();
        const row = await lockedOn(
          ctx,
          trx
            .selectFrom('leases')
            .select('name')
            .where('name', '=', name)
            .where('holder', '=', holder)
            .where('token', '=', token)
            .where('lease_until', '>=', now),
        ).executeTakeFirst();
        if (!row) throw new LeaseLostError(`lease ${name}`, token);
      });
    },

    async release(name, holder) {
      await db
        .updateTable('leases')
        .set({ lease_until: '' })
        .where('name', '=', name)
        .where('holder', '=', holder)
        .execute();
    },
  };
}
