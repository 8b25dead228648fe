// The Store built on a kysely database, whichever engine is beneath it: the repositories are shared, the engine
// adapters (sqlite-store.ts, postgres-store.ts) only open the connection, migrate, and say how to read the clock.
import type { Store, StoreSession } from '../requests/ports/store.js';
import { retryOnConflict } from './conflict-retry.js';
import { auditRepository } from './repositories/audit.js';
import { channelsRepository } from './repositories/channels.js';
import { conversationsRepository } from './repositories/conversations.js';
import { jobsRepository } from './repositories/jobs.js';
import { kvRepository } from './repositories/kv.js';
import { leasesRepository } from './repositories/leases.js';
import { outboxRepository } from './repositories/outbox.js';
import { requestsRepository } from './repositories/requests.js';
import type { Clock, Db, StoreContext } from './repositories/shared.js';

export function sessionFor(db: Db, ctx: StoreContext): StoreSession {
  return {
    requests: requestsRepository(db, ctx),
    audit: auditRepository(db, ctx),
    conversations: conversationsRepository(db, ctx),
    channels: channelsRepository(db, ctx),
    jobs: jobsRepository(db, ctx),
    outbox: outboxRepository(db, ctx),
    kv: kvRepository(db, ctx),
    leases: leasesRepository(db, ctx),
  };
}

export interface KyselyStoreParts {
  db: Db;
  dialect: StoreContext['dialect'];
  /** The injected clock (tests), if any: then it is the fleet's time too. */
  clock: Clock | undefined;
  /** The database's clock, read on the given connection or transaction. */
  databaseNow: (db: Db) => Promise<Date>;
}

export function kyselyStore({ db, dialect, clock, databaseNow }: KyselyStoreParts): Store {
  const ctx: StoreContext = {
    clock: clock ?? (() => new Date()),
    dialect,
    fleetNow: clock ? async () => clock() : databaseNow,
    databaseNow,
  };
  let closed = false;
  return {
    ...sessionFor(db, ctx),
    async now() {
      return (await ctx.fleetNow(db)).toISOString();
    },
    transaction(fn) {
      // Every repository in the session runs on the transaction; do not call the store's own repositories inside
      // fn (SQLite has one connection per store, so they would wait for the transaction that waits for them).
      // A deadlock or serialization failure rolled it all back: run it again (conflict-retry.ts).
      return retryOnConflict(() => db.transaction().execute((trx) => fn(sessionFor(trx, ctx))));
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
