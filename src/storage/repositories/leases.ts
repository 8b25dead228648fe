import { LeaseLostError, type StoreSession } from '../../requests/ports/store.js';
import { compiledOnce } from './compiled-query.js';
import { atomically, type Db, lockedOn, type StoreContext } from './shared.js';

// The outbox takes, renews and releases a lane's lease for every message it sends: compiled once (compiled-query.ts).
const selectLease = compiledOnce((db, v: { name: string }, ctx) =>
  lockedOn(ctx, db.selectFrom('leases').selectAll().where('name', '=', v.name)),
);
const insertLease = compiledOnce((db, v: { name: string; holder: string; until: string }) =>
  db
    .insertInto('leases')
    .values({ name: v.name, holder: v.holder, token: 1, lease_until: v.until })
    .onConflict((oc) => oc.doNothing()),
);
const renewLease = compiledOnce((db, v: { name: string; until: string }) =>
  db.updateTable('leases').set({ lease_until: v.until }).where('name', '=', v.name),
);
const takeLease = compiledOnce((db, v: { name: string; holder: string; token: number; until: string }) =>
  db.updateTable('leases').set({ holder: v.holder, token: v.token, lease_until: v.until }).where('name', '=', v.name),
);
const releaseLease = compiledOnce((db, v: { name: string; holder: string }) =>
  db.updateTable('leases').set({ lease_until: '' }).where('name', '=', v.name).where('holder', '=', v.holder),
);

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
        const [row] = (await selectLease.run(trx, ctx, { name })).rows;
        if (!row) {
          // Two first acquirers: the primary key lets one insert; the other sees no row inserted and loses.
          const r = await insertLease.run(trx, ctx, { name, holder, until });
          return (r.numAffectedRows ?? 0n) > 0n ? 1 : undefined;
        }
        if (row.holder === holder) {
          await renewLease.run(trx, ctx, { name, until });
          return row.token;
        }
        if (row.lease_until >= now.toISOString()) return undefined; // another holder's lease is live
        const token = row.token + 1;
        await takeLease.run(trx, ctx, { name, holder, token, until });
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
      await releaseLease.run(db, ctx, { name, holder });
    },
  };
}
