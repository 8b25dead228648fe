// The job runner against a real SQLite store and an injected clock: a long job that keeps its lease is never
// taken over by a second runner, and every job that ends dead reaches its owner exactly once, including one
// whose worker crashed on its last attempt.
import assert from 'node:assert/strict';
import { type JobHandler, JobRunner, LeaseLost } from '../../src/execution/job-runner.js';
import type { Job, Store } from '../../src/requests/ports/store.js';
import { openSqliteStore } from '../../src/storage/sqlite-store.js';

const LEASE = 5 * 60_000;
const T0 = Date.parse('2026-12-01T09:00:00Z');

describe('JobRunner: leases and dead jobs', () => {
  let store: Store;
  let now: number;
  const clock = () => new Date(now);
  beforeEach(async () => {
    now = T0;
    store = await openSqliteStore({ filename: ':memory:', clock });
  });
  afterEach(async () => {
    await store.close();
  });

  const runner = (handlers: Record<string, JobHandler>, onDead?: (job: Job) => Promise<void>) =>
    new JobRunner({ store, clock, handlers, leaseMs: LEASE, ...(onDead ? { onDead } : {}) });

  /** A handler working for four lease periods; between periods a rival runner ticks on the same store. */
  async function longJobWithRival(keepAlive: boolean) {
    const rivalRuns: number[] = [];
    const rival = runner({ long: async (job) => void rivalRuns.push(job.id) });
    let finished = 0;
    const main = runner({
      long: async (_job, lease) => {
        for (let period = 0; period < 4; period++) {
          now += LEASE - 60_000; // most of a lease period of work
          if (keepAlive) await lease.extend();
          now += 30_000;
          await rival.tick();
        }
        finished++;
      },
    });
    await store.jobs.enqueue({ kind: 'long', payload: {}, runAt: new Date(T0).toISOString() });
    assert.equal(await main.tick(), 1);
    return { rivalRuns, finished };
  }

  it('never lets a second runner claim a job that extends its lease while it works', async () => {
    const { rivalRuns, finished } = await longJobWithRival(true);
    assert.deepEqual(rivalRuns, []);
    assert.equal(finished, 1);
    const [job] = await store.jobs.list({ kind: 'long' });
    assert.equal(job?.status, 'done');
    assert.equal(job?.attempts, 1, 'claimed once');
  });

  it('(control) hands a job that does not extend its lease to the second runner', async () => {
    const { rivalRuns } = await longJobWithRival(false);
    assert.equal(rivalRuns.length, 1, 'the lease expired during the work and the rival took the job');
  });

  it('claims a job only when it is about to run: one queued behind a long job is run once, by one runner', async () => {
    // Two jobs due at once. While the first runs for longer than a lease (extending its own), a second replica
    // ticks. Claimed together as a batch, the second job's lease ran out in the queue: the rival took it over and
    // the first runner then ran it again as well.
    const ran: string[] = [];
    const rival = runner({ work: async (job) => void ran.push(`rival:${job.payload.n}`) });
    const main = runner({
      work: async (job, lease) => {
        ran.push(`main:${job.payload.n}`);
        if (job.payload.n !== 1) return;
        now += LEASE + 60_000;
        await lease.extend();
        await rival.tick();
      },
    });
    for (const n of [1, 2])
      await store.jobs.enqueue({ kind: 'work', payload: { n }, runAt: new Date(T0).toISOString() });
    await main.tick();
    assert.deepEqual(ran.filter((r) => r.endsWith(':2')).length, 1, `job 2 ran once: ${ran.join(', ')}`);
    const jobs = await store.jobs.list({ kind: 'work' });
    assert.deepEqual(
      jobs.map((j) => [j.status, j.attempts]),
      [
        ['done', 1],
        ['done', 1],
      ],
    );
  });

  it('keeps the lease of a job whose handler is slow but alive (a heartbeat), so no other replica takes it', async () => {
    // Real time here: the heartbeat is a timer. A 1.5 s lease; the handler works 3.5 s without extending it.
    const real = await openSqliteStore({ filename: ':memory:' });
    try {
      const lease = 1500;
      const rivalRuns: number[] = [];
      const rival = new JobRunner({
        store: real,
        clock: () => new Date(),
        leaseMs: lease,
        handlers: { slow: async (job) => void rivalRuns.push(job.id) },
      });
      const main = new JobRunner({
        store: real,
        clock: () => new Date(),
        leaseMs: lease,
        handlers: {
          slow: async () => {
            for (let i = 0; i < 5; i++) {
              await new Promise((r) => setTimeout(r, 700));
              await rival.tick();
            }
          },
        },
      });
      await real.jobs.enqueue({ kind: 'slow', payload: {}, runAt: new Date().toISOString() });
      assert.equal(await main.tick(), 1);
      assert.deepEqual(rivalRuns, [], 'the rival never got the job');
      const [job] = await real.jobs.list({ kind: 'slow' });
      assert.deepEqual([job?.status, job?.attempts], ['done', 1]);
    } finally {
      await real.close();
    }
  });

  it('extends the lease over a wait about to start, and stops a job that is no longer running', async () => {
    let extended: string | undefined;
    const errors: unknown[] = [];
    const r = new JobRunner({
      store,
      clock,
      leaseMs: LEASE,
      onError: (e) => errors.push(e),
      handlers: {
        wait: async (job, lease) => {
          await lease.extend(20 * 60_000);
          extended = (await store.jobs.list({ kind: 'wait' }))[0]?.leaseUntil;
          await store.jobs.complete(job.id, job.attempts); // finished by someone else meanwhile
          await lease.extend();
        },
      },
    });
    await store.jobs.enqueue({ kind: 'wait', payload: {}, runAt: new Date(T0).toISOString() });
    await r.tick();
    assert.equal(extended, new Date(T0 + LEASE + 20 * 60_000).toISOString());
    assert.ok(errors[0] instanceof LeaseLost, String(errors[0]));
    const [job] = await store.jobs.list({ kind: 'wait' });
    assert.equal(job?.status, 'done');
    assert.equal(job?.lastError, undefined, 'the runner recorded nothing about a job it no longer holds');
  });

  it('reports a job whose worker crashed on its last attempt, once, on a later tick', async () => {
    const told: Job[] = [];
    const r = runner({ fragile: async () => undefined }, async (job) => void told.push(job));
    const job = (await store.jobs.enqueue({
      kind: 'fragile',
      payload: { requestId: 'REQ-1001' },
      runAt: new Date(T0).toISOString(),
      maxAttempts: 2,
    }))!;
    for (let attempt = 1; attempt <= 2; attempt++) {
      // A worker claims the job and dies without a word.
      const claimed = await store.jobs.claimDue(clock().toISOString(), new Date(now + LEASE).toISOString(), 10);
      assert.deepEqual(
        claimed.map((j) => j.id),
        [job.id],
      );
      now += LEASE + 1000;
    }
    assert.equal(await r.tick(), 1, 'the dead job was reported');
    assert.equal(told.length, 1);
    assert.equal(told[0]?.id, job.id);
    assert.equal(told[0]?.status, 'dead');
    assert.match(told[0]?.lastError ?? '', /lease expired/);
    now += 60_000;
    assert.equal(await r.tick(), 0);
    assert.equal(told.length, 1, 'reported once');
  });

  it('reports a job whose handler fails on its last attempt once, and retries a report that failed', async () => {
    const told: number[] = [];
    let ownerDown = true;
    const r = new JobRunner({
      store,
      clock,
      leaseMs: LEASE,
      handlers: {
        broken: async () => {
          throw new Error('HTTP 500');
        },
      },
      backoffMs: () => 1000,
      onError: () => undefined,
      onDead: async (job) => {
        if (ownerDown) throw new Error('database busy');
        told.push(job.id);
      },
    });
    const job = (await store.jobs.enqueue({
      kind: 'broken',
      payload: {},
      runAt: new Date(T0).toISOString(),
      maxAttempts: 2,
    }))!;
    await r.tick();
    now += 1000;
    await r.tick(); // second attempt fails: dead; the owner cannot be told yet
    assert.equal((await store.jobs.list({ kind: 'broken' }))[0]?.status, 'dead');
    assert.deepEqual(told, []);
    ownerDown = false;
    now += 1000;
    await r.tick();
    assert.deepEqual(told, [job.id]);
    await r.tick();
    assert.deepEqual(told, [job.id], 'told once');
  });
});
