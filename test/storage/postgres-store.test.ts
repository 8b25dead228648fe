// The store on the real PostgreSQL server (a throw-away database per run): the shared contract suite, plus what
// only PostgreSQL does (row locks skipped by concurrent claimers, the migration lock, the database's clock).
import assert from 'node:assert/strict';
import pg from 'pg';
import type { Store } from '../../src/requests/ports/store.js';
import { postgresMigrations } from '../../src/storage/migrations/index.js';
import { openPostgresStore } from '../../src/storage/postgres-store.js';
import { resetDatabase, useThrowawayPostgres } from '../support/postgres.js';
import { at, describeStoreContract, T0 } from './store.contract.js';

describe('PostgreSQL store', () => {
  const url = useThrowawayPostgres();

  describeStoreContract('postgres', {
    open: async () => {
      await resetDatabase(url());
      return openPostgresStore({ connectionString: url(), maxConnections: 4 });
    },
    openSibling: () => openPostgresStore({ connectionString: url(), maxConnections: 4 }),
  });

  describe('PostgreSQL only', () => {
    const open: Store[] = [];
    const track = async (s: Promise<Store>) => {
      open.push(await s);
      return open[open.length - 1]!;
    };
    beforeEach(async () => resetDatabase(url()));
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });

    it('migrates once when several replicas start together (kysely’s migration lock)', async () => {
      const stores = await Promise.all(
        Array.from({ length: 4 }, () => track(openPostgresStore({ connectionString: url(), maxConnections: 2 }))),
      );
      assert.equal(await stores[3]!.requests.nextId(), 'REQ-1001');
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        const { rows } = await client.query('SELECT name FROM kysely_migration ORDER BY name');
        assert.deepEqual(
          rows.map((r) => r.name),
          Object.keys(postgresMigrations),
        );
      } finally {
        await client.end();
      }
    });

    it('lets a claimer skip a job another replica holds locked instead of waiting for it (SKIP LOCKED)', async () => {
      const a = await track(openPostgresStore({ connectionString: url() }));
      const b = await track(openPostgresStore({ connectionString: url() }));
      const locked = (await a.jobs.enqueue({ kind: 'k', payload: {}, runAt: T0 }))!;
      const free = (await a.jobs.enqueue({ kind: 'k', payload: {}, runAt: T0 }))!;
      const [claimed] = await a.jobs.claimDue(at(0), at(5), 1);
      assert.equal(claimed?.id, locked.id);
      // a is writing a fenced checkpoint of `locked` (row locked) while its lease has expired and b claims.
      const seen = await a.transaction(async (s) => {
        await s.jobs.assertHeld(locked.id, 1);
        return b.jobs.claimDue(at(6), at(11), 10);
      });
      assert.deepEqual(
        seen.map((j) => j.id),
        [free.id],
        'the locked job is skipped, the free one taken, and b did not wait',
      );
      const [later] = await b.jobs.claimDue(at(6), at(11), 10);
      assert.equal(later?.id, locked.id, 'once a committed, b takes the expired job over');
      await assert.rejects(a.jobs.complete(locked.id, 1), /no longer held/);
    });

    it('runs a transaction again when the server ends it in a deadlock (40P01): both replicas’ writes commit', async () => {
      const a = await track(openPostgresStore({ connectionString: url(), maxConnections: 2 }));
      const b = await track(openPostgresStore({ connectionString: url(), maxConnections: 2 }));
      await a.kv.set('x', 'start');
      await a.kv.set('y', 'start');
      // Two replicas lock the same two rows in opposite orders, each waiting for the other: a real deadlock,
      // which the server breaks (after deadlock_timeout) by aborting one of the two transactions.
      let firstLocks = 0;
      let bothHoldOne!: () => void;
      const crossed = new Promise<void>((resolve) => {
        bothHoldOne = resolve;
      });
      const runs = { a: 0, b: 0 };
      const cross = (store: Store, who: 'a' | 'b', first: string, second: string) =>
        store.transaction(async (s) => {
          runs[who]++;
          await s.kv.set(first, who);
          if (++firstLocks === 2) bothHoldOne();
          await crossed;
          await s.kv.set(second, who);
        });
      await Promise.all([cross(a, 'a', 'x', 'y'), cross(b, 'b', 'y', 'x')]);
      assert.equal(runs.a + runs.b, 3, 'the deadlock’s victim ran once more, the other once');
      const winnerOfRerun = runs.a === 2 ? 'a' : 'b';
      // The re-run came last and wrote both rows: nothing of the aborted attempt remains.
      assert.equal(await a.kv.get('x'), winnerOfRerun);
      assert.equal(await a.kv.get('y'), winnerOfRerun);
    });

    it('takes the fleet’s time from the database server', async () => {
      const store = await track(openPostgresStore({ connectionString: url() }));
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        const { rows } = await client.query('SELECT clock_timestamp() AS now');
        const server = (rows[0] as { now: Date }).now.getTime();
        assert.ok(Math.abs(Date.parse(await store.now()) - server) < 1000);
      } finally {
        await client.end();
      }
      // An injected clock (tests) wins.
      const frozen = await track(openPostgresStore({ connectionString: url(), clock: () => new Date(T0) }));
      assert.equal(await frozen.now(), T0);
    });

    it('refuses to change or delete audit records even through raw SQL', async () => {
      const store = await track(openPostgresStore({ connectionString: url() }));
      await store.audit.append({ at: T0, actorId: 'system', action: 'bot.started', outcome: 'info' });
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await assert.rejects(client.query("UPDATE audit SET outcome = 'failure'"), /append-only/);
        await assert.rejects(client.query('DELETE FROM audit'), /append-only/);
      } finally {
        await client.end();
      }
      assert.equal((await store.audit.list()).length, 1);
    });
  });
});
