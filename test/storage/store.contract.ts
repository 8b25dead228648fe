// The one suite every Store implementation must pass: SQLite file, SQLite :memory: and PostgreSQL.
// Each test opens a fresh, empty store. Backends where two stores can share one database (a SQLite file,
// PostgreSQL) also run the two-writer cases: what two processes or replicas do to each other.
import assert from 'node:assert/strict';
import type { GovernanceRequest } from '../../src/requests/model.js';
import { type AuditRecordInput, LeaseLostError, type Store } from '../../src/requests/ports/store.js';
import { computeAuditHash } from '../../src/storage/audit-hash.js';

export const T0 = '2025-01-01T00:00:00.000Z';

/** ISO time `minutes` after T0. */
export function at(minutes: number): string {
  return new Date(Date.parse(T0) + minutes * 60_000).toISOString();
}

export function makeRequest(id: string, overrides: Partial<GovernanceRequest> = {}): GovernanceRequest {
  return {
    id,
    version: 1,
    type: 'maker-role',
    status: 'pending',
    requester: {
      id: 'user-1',
      upn: 'ada@contoso.com',
      displayName: 'Ada Lovelace',
      hasPowerAppsLicense: true,
    },
    details: {
      type: 'maker-role',
      environment: {
        id: 'env-1',
        displayName: 'Sales Dev',
        sku: 'Sandbox',
        location: 'europe',
        hasDataverse: true,
        isDefault: false,
        instanceApiUrl: 'https://org1.api.crm4.dynamics.com',
      },
    },
    justification: 'Build the expense app',
    createdAt: T0,
    updatedAt: T0,
    decisions: [],
    stages: [],
    execution: { progress: [], checkpoint: {}, apiCalls: [] },
    ...overrides,
  };
}

export interface StoreBackend {
  /** A fresh, empty store. */
  open(): Promise<Store>;
  /** Another store on the database the last open() made (a second process or replica); absent for :memory:. */
  openSibling?(): Promise<Store>;
}

export function describeStoreContract(name: string, backend: StoreBackend): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    const siblings: Store[] = [];
    const sibling = async () => {
      if (!backend.openSibling) throw new Error('no sibling stores on this backend');
      const s = await backend.openSibling();
      siblings.push(s);
      return s;
    };

    beforeEach(async () => {
      store = await backend.open();
    });

    afterEach(async () => {
      for (const s of siblings.splice(0)) await s.close();
      await store.close();
    });

    describe('clock', () => {
      it('tells the fleet’s time as an ISO instant', async () => {
        const before = Date.now();
        const now = await store.now();
        assert.match(now, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        // The database server runs on this machine in tests: its clock agrees with ours to within a second.
        assert.ok(Math.abs(Date.parse(now) - before) < 1000, `${now} vs ${new Date(before).toISOString()}`);
      });
    });

    if (backend.openSibling) {
      describe('two writers on one database', () => {
        it('never gives one job to both of two stores claiming concurrently', async () => {
          const other = await sibling();
          for (let i = 0; i < 30; i++) await store.jobs.enqueue({ kind: 'k', payload: { i }, runAt: T0 });
          const batches = await Promise.all(
            Array.from({ length: 6 }, (_, i) => (i % 2 ? other : store).jobs.claimDue(at(1), at(2), 5)),
          );
          const ids = batches.flat().map((j) => j.id);
          assert.equal(ids.length, 30);
          assert.equal(new Set(ids).size, 30);
          assert.deepEqual(await store.jobs.claimDue(at(1), at(2), 5), []);
        });

        it('keeps one chain without forks or gaps when two stores append concurrently, some rolling back', async () => {
          const other = await sibling();
          const writes = Array.from({ length: 24 }, (_, i) => {
            const writer = i % 2 ? other : store;
            const record = {
              at: at(i),
              actorId: `writer-${i % 2}`,
              action: 'a',
              outcome: 'info' as const,
              details: { i },
            };
            // Every third append is in a transaction that then fails: it must leave no trace and no gap.
            if (i % 3 === 2)
              return writer
                .transaction(async (s) => {
                  await s.audit.append(record);
                  throw new Error('rolled back');
                })
                .catch(() => undefined);
            return writer.audit.append(record);
          });
          await Promise.all(writes);
          const chain = await other.audit.list();
          assert.equal(chain.length, 16);
          let prev = '';
          for (const [i, record] of chain.entries()) {
            assert.equal(record.seq, i + 1, 'no gap');
            assert.equal(record.prevHash, prev, 'no fork');
            assert.equal(computeAuditHash(prev, record), record.hash);
            prev = record.hash;
          }
          assert.ok(chain.every((r) => (r.details?.['i'] as number) % 3 !== 2));
        });

        it('refuses every write of a paused lease holder once another store took the job over', async () => {
          const paused = await sibling();
          const job = (await store.jobs.enqueue({ kind: 'execute', payload: {}, runAt: T0 }))!;
          const [mine] = await paused.jobs.claimDue(at(0), at(5), 1);
          assert.equal(mine?.id, job.id);
          // `paused` stops (SIGSTOP) past its lease; the other store takes the job over.
          const [taken] = await store.jobs.claimDue(at(6), at(11), 1);
          assert.equal(taken?.attempts, 2);
          // `paused` wakes up and tries to checkpoint, extend and finish: all refused, nothing written.
          await assert.rejects(
            paused.transaction(async (s) => {
              await s.jobs.assertHeld(job.id, mine!.attempts);
              await s.audit.append({ at: at(7), actorId: 'system', action: 'execution.step', outcome: 'info' });
            }),
            LeaseLostError,
          );
          await assert.rejects(paused.jobs.extendLease(job.id, mine!.attempts, at(20)), LeaseLostError);
          await assert.rejects(paused.jobs.complete(job.id, mine!.attempts), LeaseLostError);
          await assert.rejects(paused.jobs.fail(job.id, mine!.attempts, 'x', at(20)), LeaseLostError);
          assert.deepEqual(await store.audit.list(), []);
          await store.jobs.complete(job.id, taken!.attempts);
          assert.equal((await paused.jobs.list())[0]?.status, 'done');
        });

        it('hands out unique request ids and lets one of two approvers win across stores', async () => {
          const other = await sibling();
          const ids = await Promise.all(
            Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).requests.nextId()),
          );
          assert.equal(new Set(ids).size, 20);
          await store.requests.insert(makeRequest('REQ-5000'));
          const results = await Promise.all([
            store.requests.update(makeRequest('REQ-5000', { status: 'approved' }), 1),
            other.requests.update(makeRequest('REQ-5000', { status: 'rejected' }), 1),
          ]);
          assert.equal(results.filter(Boolean).length, 1);
          assert.equal((await other.requests.get('REQ-5000'))?.version, 2);
        });
      });
    }

    describe('requests', () => {
      it('inserts and reads back the whole request', async () => {
        const req = makeRequest('REQ-1001', {
          routing: { ruleId: 'r1', reason: 'default', outcome: 'require-approval' },
          approvalCard: { conversationId: 'c1', activityId: 'a1' },
        });
        await store.requests.insert(req);
        assert.deepEqual(await store.requests.get('REQ-1001'), req);
        assert.equal(await store.requests.get('REQ-9999'), undefined);
      });

      it('refuses a duplicate id', async () => {
        await store.requests.insert(makeRequest('REQ-1001'));
        await assert.rejects(store.requests.insert(makeRequest('REQ-1001', { justification: 'again' })));
        assert.equal((await store.requests.get('REQ-1001'))?.justification, 'Build the expense app');
      });

      it('lists by requester, status and type, newest first, with a limit', async () => {
        const other = { ...makeRequest('x').requester, id: 'user-2', upn: 'bob@contoso.com' };
        await store.requests.insert(makeRequest('REQ-1001', { createdAt: at(1) }));
        await store.requests.insert(makeRequest('REQ-1002', { createdAt: at(2), status: 'approved' }));
        await store.requests.insert(makeRequest('REQ-1003', { createdAt: at(3), requester: other }));
        await store.requests.insert(
          makeRequest('REQ-1004', {
            createdAt: at(4),
            type: 'new-environment',
            details: { type: 'new-environment', displayName: 'HR', sku: 'Sandbox', location: 'europe' },
            status: 'completed',
          }),
        );
        const ids = (rs: GovernanceRequest[]) => rs.map((r) => r.id);

        assert.deepEqual(ids(await store.requests.list()), ['REQ-1004', 'REQ-1003', 'REQ-1002', 'REQ-1001']);
        assert.deepEqual(ids(await store.requests.list({ requesterId: 'user-1' })), [
          'REQ-1004',
          'REQ-1002',
          'REQ-1001',
        ]);
        assert.deepEqual(ids(await store.requests.list({ status: ['pending'] })), ['REQ-1003', 'REQ-1001']);
        assert.deepEqual(ids(await store.requests.list({ status: ['approved', 'completed'] })), [
          'REQ-1004',
          'REQ-1002',
        ]);
        assert.deepEqual(ids(await store.requests.list({ status: [] })), []);
        assert.deepEqual(ids(await store.requests.list({ type: 'new-environment' })), ['REQ-1004']);
        assert.deepEqual(ids(await store.requests.list({ requesterId: 'user-1', status: ['pending'] })), ['REQ-1001']);
        assert.deepEqual(ids(await store.requests.list({ limit: 2 })), ['REQ-1004', 'REQ-1003']);
      });

      it('updates with optimistic concurrency and bumps the version', async () => {
        await store.requests.insert(makeRequest('REQ-1001'));
        const approved = makeRequest('REQ-1001', { status: 'approved', updatedAt: at(5) });
        assert.equal(await store.requests.update(approved, 1), true);
        const stored = await store.requests.get('REQ-1001');
        assert.equal(stored?.version, 2);
        assert.equal(stored?.status, 'approved');
        assert.equal(stored?.updatedAt, at(5));
        assert.deepEqual(
          (await store.requests.list({ status: ['approved'] })).map((r) => r.id),
          ['REQ-1001'],
        );

        // A stale writer (still holding version 1) loses and changes nothing.
        assert.equal(await store.requests.update(makeRequest('REQ-1001', { status: 'rejected' }), 1), false);
        assert.equal((await store.requests.get('REQ-1001'))?.status, 'approved');
        // Unknown id: nothing to update.
        assert.equal(await store.requests.update(makeRequest('REQ-4242'), 1), false);
      });

      it('lets exactly one of two concurrent updates with the same expected version win', async () => {
        await store.requests.insert(makeRequest('REQ-1001'));
        const results = await Promise.all([
          store.requests.update(makeRequest('REQ-1001', { status: 'approved' }), 1),
          store.requests.update(makeRequest('REQ-1001', { status: 'rejected' }), 1),
        ]);
        assert.equal(results.filter(Boolean).length, 1);
        const stored = await store.requests.get('REQ-1001');
        assert.equal(stored?.version, 2);
        assert.equal(stored?.status, results[0] ? 'approved' : 'rejected');
      });

      it('hands out REQ-1001, REQ-1002, … and never the same id twice, even concurrently', async () => {
        assert.equal(await store.requests.nextId(), 'REQ-1001');
        assert.equal(await store.requests.nextId(), 'REQ-1002');
        const ids = await Promise.all(Array.from({ length: 25 }, () => store.requests.nextId()));
        assert.equal(new Set(ids).size, 25);
        const numbers = ids.map((id) => Number(id.slice('REQ-'.length))).sort((a, b) => a - b);
        assert.deepEqual(
          numbers,
          Array.from({ length: 25 }, (_, i) => 1003 + i),
        );
      });

      it('does not hand out again an id that was allocated but never stored', async () => {
        const unused = await store.requests.nextId();
        const next = await store.requests.nextId();
        assert.notEqual(unused, next);
        assert.ok(Number(next.slice(4)) > Number(unused.slice(4)));
      });
    });

    describe('transactions', () => {
      it('commits everything written through the session', async () => {
        const result = await store.transaction(async (s) => {
          const id = await s.requests.nextId();
          await s.requests.insert(makeRequest(id));
          await s.audit.append({
            at: T0,
            actorId: 'user-1',
            action: 'request.created',
            outcome: 'success',
            requestId: id,
          });
          await s.outbox.enqueue(outboxInput('receipt:' + id, { requestId: id }));
          return id;
        });
        assert.equal(result, 'REQ-1001');
        assert.ok(await store.requests.get('REQ-1001'));
        assert.equal((await store.audit.list({ requestId: 'REQ-1001' })).length, 1);
        assert.ok(await store.outbox.getByKey('receipt:REQ-1001'));
      });

      it('rolls back everything when fn throws', async () => {
        await assert.rejects(
          store.transaction(async (s) => {
            await s.requests.insert(makeRequest('REQ-1001'));
            await s.audit.append({
              at: T0,
              actorId: 'user-1',
              action: 'request.created',
              outcome: 'success',
              requestId: 'REQ-1001',
            });
            await s.outbox.enqueue(outboxInput('receipt:REQ-1001'));
            await s.jobs.enqueue({ kind: 'reminder', payload: {}, runAt: T0, dedupeKey: 'reminder:REQ-1001' });
            await s.kv.set('k', 1);
            // Visible inside the transaction…
            assert.ok(await s.requests.get('REQ-1001'));
            throw new Error('boom');
          }),
          /boom/,
        );
        // …and gone after it.
        assert.equal(await store.requests.get('REQ-1001'), undefined);
        assert.deepEqual(await store.audit.list(), []);
        assert.equal(await store.outbox.getByKey('receipt:REQ-1001'), undefined);
        assert.deepEqual(await store.jobs.list(), []);
        assert.equal(await store.kv.get('k'), undefined);
        // The store is still usable afterwards, and the audit chain starts fresh.
        const first = await store.audit.append({ at: T0, actorId: 'system', action: 'bot.started', outcome: 'info' });
        assert.equal(first.prevHash, '');
      });

      it('keeps a conflicting update inside a transaction from committing with the rest', async () => {
        await store.requests.insert(makeRequest('REQ-1001'));
        await store.requests.update(makeRequest('REQ-1001', { status: 'approved' }), 1);
        await assert.rejects(
          store.transaction(async (s) => {
            await s.audit.append({ at: T0, actorId: 'u', action: 'request.rejected', outcome: 'success' });
            if (!(await s.requests.update(makeRequest('REQ-1001', { status: 'rejected' }), 1)))
              throw new Error('stale');
          }),
          /stale/,
        );
        assert.deepEqual(await store.audit.list(), []);
        assert.equal((await store.requests.get('REQ-1001'))?.status, 'approved');
      });
    });

    describe('audit', () => {
      const inputs: AuditRecordInput[] = [
        { at: at(0), actorId: 'system', action: 'bot.started', outcome: 'info' },
        {
          at: at(1),
          actorId: 'user-1',
          actorUpn: 'ada@contoso.com',
          action: 'request.created',
          outcome: 'success',
          requestId: 'REQ-1001',
          targetType: 'environment',
          targetId: 'env-1',
          environmentId: 'env-1',
          correlationId: 'corr-1',
          details: { z: 1, a: { y: [1, { b: 2, a: 1 }], x: null }, skipped: undefined },
        },
        {
          at: at(2),
          actorId: 'user-2',
          action: 'execution.completed',
          outcome: 'failure',
          requestId: 'REQ-1001',
          apiCalls: [{ method: 'POST', url: 'api.bap.microsoft.com/providers/x', status: 202 }],
        },
      ];

      it('links each record to the previous one and the hashes recompute', async () => {
        const appended = [];
        for (const input of inputs) appended.push(await store.audit.append(input));
        const listed = await store.audit.list();
        assert.equal(listed.length, 3);
        assert.deepEqual(listed, appended);

        let prev = '';
        let lastSeq = 0;
        for (const [i, record] of listed.entries()) {
          assert.ok(record.seq > lastSeq);
          lastSeq = record.seq;
          assert.equal(record.prevHash, prev);
          assert.match(record.hash, /^[0-9a-f]{64}$/);
          // Recomputes both from what was read back and from what was written.
          assert.equal(computeAuditHash(record.prevHash, record), record.hash);
          assert.equal(computeAuditHash(prev, inputs[i]!), record.hash);
          prev = record.hash;
        }
        assert.equal(listed[1]!.actorUpn, 'ada@contoso.com');
        assert.deepEqual(listed[1]!.details, { z: 1, a: { y: [1, { b: 2, a: 1 }], x: null } });
        assert.deepEqual(listed[2]!.apiCalls, inputs[2]!.apiCalls);
        assert.equal('actorUpn' in listed[0]!, false);
        // Tampering is detectable: a changed field no longer matches its hash.
        assert.notEqual(computeAuditHash(listed[2]!.prevHash, { ...listed[2]!, outcome: 'success' }), listed[2]!.hash);
      });

      it('keeps one unbroken chain under concurrent appends', async () => {
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.audit.append({ at: at(i), actorId: 'u', action: 'a', outcome: 'info', details: { i } }),
          ),
        );
        const listed = await store.audit.list();
        assert.equal(listed.length, 20);
        let prev = '';
        for (const record of listed) {
          assert.equal(record.prevHash, prev);
          assert.equal(computeAuditHash(prev, record), record.hash);
          prev = record.hash;
        }
      });

      it('filters and limits (most recent, in chain order)', async () => {
        for (const input of inputs) await store.audit.append(input);
        const actions = (rs: { action: string }[]) => rs.map((r) => r.action);
        assert.deepEqual(actions(await store.audit.list({ requestId: 'REQ-1001' })), [
          'request.created',
          'execution.completed',
        ]);
        assert.deepEqual(actions(await store.audit.list({ actorId: 'user-2' })), ['execution.completed']);
        assert.deepEqual(actions(await store.audit.list({ environmentId: 'env-1' })), ['request.created']);
        assert.deepEqual(actions(await store.audit.list({ action: 'bot.started' })), ['bot.started']);
        assert.deepEqual(actions(await store.audit.list({ outcome: 'failure' })), ['execution.completed']);
        assert.deepEqual(actions(await store.audit.list({ since: at(1) })), ['request.created', 'execution.completed']);
        assert.deepEqual(actions(await store.audit.list({ until: at(1) })), ['bot.started']);
        assert.deepEqual(actions(await store.audit.list({ since: at(1), until: at(2) })), ['request.created']);
        assert.deepEqual(actions(await store.audit.list({ limit: 2 })), ['request.created', 'execution.completed']);
      });

      it('offers no way to change or remove a record', () => {
        const audit = store.audit as unknown as Record<string, unknown>;
        for (const verb of ['update', 'delete', 'remove', 'clear', 'truncate']) assert.equal(audit[verb], undefined);
      });
    });

    describe('jobs', () => {
      it('enqueues with defaults and ignores a duplicate live dedupe key', async () => {
        const job = await store.jobs.enqueue({
          kind: 'reminder',
          payload: { requestId: 'REQ-1001' },
          runAt: at(10),
          dedupeKey: 'reminder:REQ-1001:1',
        });
        assert.ok(job);
        assert.equal(job.status, 'pending');
        assert.equal(job.attempts, 0);
        assert.equal(job.maxAttempts, 5);
        assert.equal(job.runAt, at(10));
        assert.deepEqual(job.payload, { requestId: 'REQ-1001' });
        assert.equal(job.dedupeKey, 'reminder:REQ-1001:1');

        assert.equal(
          await store.jobs.enqueue({ kind: 'reminder', payload: {}, runAt: at(20), dedupeKey: 'reminder:REQ-1001:1' }),
          undefined,
        );
        // While running, still deduplicated.
        await store.jobs.claimDue(at(10), at(11), 10);
        assert.equal(
          await store.jobs.enqueue({ kind: 'reminder', payload: {}, runAt: at(20), dedupeKey: 'reminder:REQ-1001:1' }),
          undefined,
        );
        // Once done, the key is free again.
        await store.jobs.complete(job.id, 1);
        assert.ok(
          await store.jobs.enqueue({ kind: 'reminder', payload: {}, runAt: at(20), dedupeKey: 'reminder:REQ-1001:1' }),
        );
        // Jobs without a key are never deduplicated.
        assert.ok(await store.jobs.enqueue({ kind: 'sweep', payload: {}, runAt: at(0) }));
        assert.ok(await store.jobs.enqueue({ kind: 'sweep', payload: {}, runAt: at(0) }));
        assert.equal((await store.jobs.list()).length, 4);
      });

      it('deduplicates concurrent enqueues', async () => {
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            store.jobs.enqueue({ kind: 'k', payload: {}, runAt: T0, dedupeKey: 'same' }),
          ),
        );
        assert.equal(results.filter((r) => r !== undefined).length, 1);
      });

      it('claims due jobs only, in run_at order, up to the limit, with a lease', async () => {
        const a = await store.jobs.enqueue({ kind: 'a', payload: {}, runAt: at(2) });
        const b = await store.jobs.enqueue({ kind: 'b', payload: {}, runAt: at(1) });
        const c = await store.jobs.enqueue({ kind: 'c', payload: {}, runAt: at(3) });
        await store.jobs.enqueue({ kind: 'future', payload: {}, runAt: at(60) });

        const first = await store.jobs.claimDue(at(5), at(6), 2);
        assert.deepEqual(
          first.map((j) => j.id),
          [b!.id, a!.id],
        );
        for (const j of first) {
          assert.equal(j.status, 'running');
          assert.equal(j.leaseUntil, at(6));
          assert.equal(j.attempts, 1);
        }
        // Claimed jobs are not handed out again while their lease holds.
        const second = await store.jobs.claimDue(at(5), at(6), 10);
        assert.deepEqual(
          second.map((j) => j.id),
          [c!.id],
        );
        assert.deepEqual(await store.jobs.claimDue(at(5), at(6), 10), []);
        assert.deepEqual(await store.jobs.claimDue(at(5), at(6), 0), []);
        assert.equal((await store.jobs.list({ status: 'running' })).length, 3);
        assert.equal((await store.jobs.list({ status: 'pending' })).length, 1);
        assert.deepEqual(
          (await store.jobs.list({ kind: 'future' })).map((j) => j.kind),
          ['future'],
        );
      });

      it('never gives the same job to two concurrent claimers', async () => {
        for (let i = 0; i < 10; i++) await store.jobs.enqueue({ kind: 'k', payload: { i }, runAt: T0 });
        const batches = await Promise.all(Array.from({ length: 4 }, () => store.jobs.claimDue(at(1), at(2), 4)));
        const ids = batches.flat().map((j) => j.id);
        assert.equal(ids.length, 10);
        assert.equal(new Set(ids).size, 10);
      });

      it('reclaims a running job whose lease expired (crashed worker)', async () => {
        const job = await store.jobs.enqueue({ kind: 'execute', payload: {}, runAt: T0 });
        await store.jobs.claimDue(at(0), at(5), 10);
        assert.deepEqual(await store.jobs.claimDue(at(4), at(10), 10), []);
        // Lease is exclusive: at exactly lease_until it is not yet expired.
        assert.deepEqual(await store.jobs.claimDue(at(5), at(10), 10), []);
        const reclaimed = await store.jobs.claimDue(at(6), at(11), 10);
        assert.deepEqual(
          reclaimed.map((j) => j.id),
          [job!.id],
        );
        assert.equal(reclaimed[0]!.attempts, 2);
        assert.equal(reclaimed[0]!.leaseUntil, at(11));
      });

      it('marks a crashed job dead instead of reclaiming it once its attempts are used up', async () => {
        const job = await store.jobs.enqueue({ kind: 'poison', payload: {}, runAt: T0, maxAttempts: 1 });
        await store.jobs.claimDue(at(0), at(1), 10);
        assert.deepEqual(await store.jobs.claimDue(at(2), at(3), 10), []);
        const [dead] = await store.jobs.list({ status: 'dead' });
        assert.equal(dead?.id, job!.id);
        assert.ok(dead?.lastError);
      });

      it('fail puts the job back for a retry, then dead after maxAttempts', async () => {
        const job = (await store.jobs.enqueue({ kind: 'k', payload: {}, runAt: T0, maxAttempts: 2 }))!;
        await store.jobs.claimDue(at(0), at(1), 1);
        const retry = await store.jobs.fail(job.id, 1, 'HTTP 503', at(10));
        assert.equal(retry.status, 'pending');
        assert.equal(retry.runAt, at(10));
        assert.equal(retry.lastError, 'HTTP 503');
        assert.equal(retry.leaseUntil, undefined);
        assert.deepEqual(await store.jobs.claimDue(at(9), at(12), 1), []);

        const [again] = await store.jobs.claimDue(at(10), at(12), 1);
        assert.equal(again?.attempts, 2);
        const dead = await store.jobs.fail(job.id, 2, 'HTTP 500', at(20));
        assert.equal(dead.status, 'dead');
        assert.equal(dead.lastError, 'HTTP 500');
        assert.deepEqual(await store.jobs.claimDue(at(100), at(101), 10), []);
        assert.deepEqual(
          (await store.jobs.list({ status: 'dead' })).map((j) => j.id),
          [job.id],
        );
        await assert.rejects(store.jobs.fail(987654, 1, 'x', at(1)));
      });

      it('complete marks the job done', async () => {
        const job = (await store.jobs.enqueue({ kind: 'k', payload: {}, runAt: T0 }))!;
        await store.jobs.claimDue(at(0), at(1), 1);
        await store.jobs.complete(job.id, 1);
        const [done] = await store.jobs.list({ status: 'done' });
        assert.equal(done?.id, job.id);
        assert.deepEqual(await store.jobs.claimDue(at(10), at(11), 10), []);
      });

      it('cancelByPrefix cancels only pending jobs whose key starts with the prefix', async () => {
        const running = await store.jobs.enqueue({
          kind: 'reminder',
          payload: {},
          runAt: at(0),
          dedupeKey: 'reminder:REQ-1001:0',
        });
        await store.jobs.claimDue(at(0), at(1), 1);
        await store.jobs.enqueue({ kind: 'reminder', payload: {}, runAt: at(10), dedupeKey: 'reminder:REQ-1001:1' });
        await store.jobs.enqueue({ kind: 'reminder', payload: {}, runAt: at(20), dedupeKey: 'reminder:REQ-1001:2' });
        await store.jobs.enqueue({ kind: 'reminder', payload: {}, runAt: at(10), dedupeKey: 'reminder:REQ-10010:1' });
        await store.jobs.enqueue({ kind: 'reminder', payload: {}, runAt: at(10), dedupeKey: 'reminder:req-1001:1' });
        await store.jobs.enqueue({ kind: 'sweep', payload: {}, runAt: at(0) });

        assert.equal(await store.jobs.cancelByPrefix('reminder:REQ-1001:'), 2);
        assert.equal(await store.jobs.cancelByPrefix('reminder:REQ-1001:'), 0);
        const pending = (await store.jobs.list({ status: 'pending' })).map((j) => j.dedupeKey);
        assert.deepEqual(pending, ['reminder:REQ-10010:1', 'reminder:req-1001:1', undefined]);
        assert.equal((await store.jobs.list({ status: 'running' }))[0]?.id, running!.id);
        // The cancelled ones are never claimed (the running one is reclaimed once its lease expired).
        const claimed = (await store.jobs.claimDue(at(30), at(31), 10)).map((j) => j.dedupeKey ?? '-');
        assert.deepEqual(
          claimed.sort(),
          ['-', 'reminder:REQ-1001:0', 'reminder:REQ-10010:1', 'reminder:req-1001:1'].sort(),
        );
        await assert.rejects(store.jobs.cancelByPrefix(''));
        // A cancelled key can be scheduled again.
        assert.ok(
          await store.jobs.enqueue({ kind: 'reminder', payload: {}, runAt: at(40), dedupeKey: 'reminder:REQ-1001:1' }),
        );
      });

      it('cancelByPrefix with several prefixes cancels the pending jobs of each, and only those', async () => {
        for (const key of ['pending:REQ-1:remind:1', 'pending:REQ-1:escalate', 'pending:REQ-1:expire', 'grant:REQ-2:x'])
          await store.jobs.enqueue({ kind: 'k', payload: {}, runAt: at(10), dedupeKey: key });
        assert.equal(
          await store.jobs.cancelByPrefix('pending:REQ-1:remind:', 'pending:REQ-1:escalate', 'grant:REQ-2:'),
          3,
        );
        const pending = (await store.jobs.list({ status: 'pending' })).map((j) => j.dedupeKey);
        assert.deepEqual(pending, ['pending:REQ-1:expire']);
        await assert.rejects(store.jobs.cancelByPrefix('pending:', ''));
      });

      it('cancelByPrefix matches exactly whatever the prefix’s characters (accents, emoji, the last one raised or not)', async () => {
        const keys = ['x:é', 'x:éa', 'x:ê', 'x:e', 'y:\u{1F600}:1', 'y:\u{1F600}\uFFFF', 'y:\uFFFF', 'y:\u{1F601}:1'];
        for (const key of keys) await store.jobs.enqueue({ kind: 'k', payload: {}, runAt: at(10), dedupeKey: key });
        assert.equal(await store.jobs.cancelByPrefix('x:é'), 2);
        assert.equal(await store.jobs.cancelByPrefix('y:\u{1F600}'), 2);
        const pending = (await store.jobs.list({ status: 'pending' })).map((j) => j.dedupeKey);
        assert.deepEqual(pending, ['x:ê', 'x:e', 'y:\uFFFF', 'y:\u{1F601}:1']);
      });
    });

    describe('job leases and dead-job reports', () => {
      it('extendLease keeps a running job from being reclaimed, never moves the lease back, and refuses a finished job', async () => {
        const job = (await store.jobs.enqueue({ kind: 'long', payload: {}, runAt: T0 }))!;
        await store.jobs.claimDue(at(0), at(5), 10);
        await store.jobs.extendLease(job.id, 1, at(9));
        assert.deepEqual(await store.jobs.claimDue(at(8), at(20), 10), [], 'still leased after the first lease ended');
        await store.jobs.extendLease(job.id, 1, at(7));
        assert.equal((await store.jobs.list({ kind: 'long' }))[0]?.leaseUntil, at(9), 'an earlier time is ignored');
        const [reclaimed] = await store.jobs.claimDue(at(10), at(20), 10);
        assert.equal(reclaimed?.id, job.id, 'reclaimed once the extended lease ended');
        await store.jobs.complete(job.id, 2);
        await assert.rejects(store.jobs.extendLease(job.id, 2, at(30)), LeaseLostError);
        const pending = (await store.jobs.enqueue({ kind: 'later', payload: {}, runAt: at(60) }))!;
        await assert.rejects(
          store.jobs.extendLease(pending.id, 0, at(30)),
          LeaseLostError,
          'not yet claimed: no lease',
        );
        await assert.rejects(store.jobs.extendLease(987654, 1, at(30)), LeaseLostError);
      });

      it('fences every job write with the attempt that claimed it: a taken-over worker writes nothing', async () => {
        const job = (await store.jobs.enqueue({ kind: 'long', payload: {}, runAt: T0 }))!;
        const [first] = await store.jobs.claimDue(at(0), at(5), 10);
        assert.equal(first?.attempts, 1);
        // The first worker pauses past its lease; a second one takes the job over (attempt 2).
        const [second] = await store.jobs.claimDue(at(6), at(11), 10);
        assert.equal(second?.attempts, 2);
        // Every write of the paused worker is refused…
        await assert.rejects(store.jobs.extendLease(job.id, 1, at(30)), LeaseLostError);
        await assert.rejects(store.jobs.complete(job.id, 1), LeaseLostError);
        await assert.rejects(store.jobs.fail(job.id, 1, 'late', at(30)), LeaseLostError);
        await assert.rejects(store.jobs.assertHeld(job.id, 1), LeaseLostError);
        // …and so is everything written in the same transaction as a fenced check (an execution checkpoint).
        await assert.rejects(
          store.transaction(async (s) => {
            await s.kv.set('checkpoint', 'from the paused worker');
            await s.jobs.assertHeld(job.id, 1);
          }),
          LeaseLostError,
        );
        assert.equal(await store.kv.get('checkpoint'), undefined);
        const [stored] = await store.jobs.list({ kind: 'long' });
        assert.equal(stored?.status, 'running');
        assert.equal(stored?.leaseUntil, at(11));
        // The new holder writes normally.
        await store.transaction(async (s) => {
          await s.jobs.assertHeld(job.id, 2);
          await s.kv.set('checkpoint', 'from the holder');
        });
        await store.jobs.extendLease(job.id, 2, at(20));
        await store.jobs.complete(job.id, 2);
        assert.equal((await store.jobs.list({ kind: 'long' }))[0]?.status, 'done');
        assert.equal(await store.kv.get('checkpoint'), 'from the holder');
      });

      it('lists dead jobs until they are marked reported, whichever way they died', async () => {
        const thrown = (await store.jobs.enqueue({ kind: 'a', payload: {}, runAt: T0, maxAttempts: 1 }))!;
        const crashed = (await store.jobs.enqueue({ kind: 'b', payload: {}, runAt: T0, maxAttempts: 1 }))!;
        const alive = (await store.jobs.enqueue({ kind: 'c', payload: {}, runAt: T0, maxAttempts: 2 }))!;
        await store.jobs.claimDue(at(0), at(1), 10);
        await store.jobs.fail(thrown.id, 1, 'HTTP 500', at(5));
        await store.jobs.fail(alive.id, 1, 'HTTP 503', at(5));
        assert.deepEqual(
          (await store.jobs.unreportedDead(10)).map((j) => j.id),
          [thrown.id],
        );
        await store.jobs.claimDue(at(2), at(3), 10); // crashed's lease expired on its last attempt: dead
        const dead = await store.jobs.unreportedDead(10);
        assert.deepEqual(
          dead.map((j) => j.id),
          [thrown.id, crashed.id],
        );
        assert.match(dead[1]?.lastError ?? '', /lease expired/);
        assert.deepEqual(
          (await store.jobs.unreportedDead(1)).map((j) => j.id),
          [thrown.id],
        );
        assert.deepEqual(await store.jobs.unreportedDead(0), []);
        await store.jobs.markDeadReported(thrown.id, at(4));
        await store.jobs.markDeadReported(alive.id, at(4)); // not dead: ignored
        assert.deepEqual(
          (await store.jobs.unreportedDead(10)).map((j) => j.id),
          [crashed.id],
        );
        await store.jobs.markDeadReported(crashed.id, at(4));
        assert.deepEqual(await store.jobs.unreportedDead(10), []);
        // alive was retried and dies later: it is reported then.
        await store.jobs.claimDue(at(5), at(6), 10);
        await store.jobs.fail(alive.id, 2, 'HTTP 503', at(9));
        assert.deepEqual(
          (await store.jobs.unreportedDead(10)).map((j) => j.id),
          [alive.id],
        );
      });

      it('prunes done and cancelled jobs due before a time, never live or dead ones', async () => {
        const job = (key: string, runAt: string) =>
          store.jobs.enqueue({ kind: 'k', payload: {}, runAt, dedupeKey: key });
        const ran = await job('ran', at(1));
        const cancelled = await job('cancelled:x', at(1));
        const dead = await store.jobs.enqueue({ kind: 'k', payload: {}, runAt: at(1), maxAttempts: 1 });
        const later = await job('later', at(50));
        const pending = await job('pending', at(100));
        assert.ok(ran && cancelled && dead && later && pending);
        await store.jobs.cancelByPrefix('cancelled:');
        const claimed = await store.jobs.claimDue(at(2), at(3), 2);
        assert.deepEqual(
          claimed.map((j) => j.id),
          [ran.id, dead.id],
        );
        await store.jobs.complete(ran.id, 1);
        await store.jobs.fail(dead.id, 1, 'HTTP 500', at(4));
        await store.jobs.claimDue(at(60), at(61), 1); // later runs, and is done at 60
        await store.jobs.complete(later.id, 1);

        assert.equal(await store.jobs.pruneFinished(at(10)), 2, 'ran and cancelled, both due at 1');
        const left = new Map((await store.jobs.list()).map((j) => [j.id, j.status]));
        assert.deepEqual(
          [ran.id, cancelled.id].map((id) => left.has(id)),
          [false, false],
        );
        assert.equal(left.get(dead.id), 'dead', 'a dead job stays for the admin');
        assert.equal(left.get(pending.id), 'pending');
        assert.equal(left.get(later.id), 'done', 'due after the cut');
        assert.equal(await store.jobs.pruneFinished(at(10)), 0);
      });
    });

    describe('outbox', () => {
      it('ignores a second enqueue with the same idempotency key', async () => {
        const first = await store.outbox.enqueue(outboxInput('card:REQ-1001', { requestId: 'REQ-1001' }));
        assert.ok(first);
        assert.equal(first.status, 'pending');
        assert.equal(first.attempts, 0);
        assert.equal(first.nextAttemptAt, first.createdAt);
        assert.equal(first.requestId, 'REQ-1001');
        assert.deepEqual(first.activity, { type: 'message', text: 'card:REQ-1001' });
        assert.equal(await store.outbox.enqueue(outboxInput('card:REQ-1001', { conversationKey: 'other' })), undefined);
        assert.deepEqual(await store.outbox.getByKey('card:REQ-1001'), first);
        assert.equal(await store.outbox.getByKey('nope'), undefined);
        const concurrent = await Promise.all(Array.from({ length: 5 }, () => store.outbox.enqueue(outboxInput('dup'))));
        assert.equal(concurrent.filter((m) => m !== undefined).length, 1);
      });

      it('enqueues an edit into the conversation of the message it edits, once, and nothing for an unknown one', async () => {
        await store.outbox.enqueue(outboxInput('card:REQ-1001', { conversationKey: 'channel:elsewhere' }));
        const edit = {
          idempotencyKey: 'card:REQ-1001:v2',
          updateOf: 'card:REQ-1001',
          activity: { type: 'message', text: 'v2' },
          requestId: 'REQ-1001',
          createdAt: at(1),
        };
        assert.equal(await store.outbox.enqueueEdit(edit), true);
        const stored = await store.outbox.getByKey('card:REQ-1001:v2');
        assert.ok(stored);
        assert.deepEqual(stored, {
          id: stored.id,
          idempotencyKey: 'card:REQ-1001:v2',
          conversationKey: 'channel:elsewhere',
          operation: 'update',
          updateOf: 'card:REQ-1001',
          activity: { type: 'message', text: 'v2' },
          requestId: 'REQ-1001',
          createdAt: at(1),
          status: 'pending',
          attempts: 0,
          nextAttemptAt: at(1),
        });
        assert.equal(await store.outbox.enqueueEdit({ ...edit, activity: { type: 'message', text: 'again' } }), false);
        assert.deepEqual((await store.outbox.getByKey('card:REQ-1001:v2'))?.activity, { type: 'message', text: 'v2' });
        assert.equal(await store.outbox.enqueueEdit({ ...edit, idempotencyKey: 'x:v2', updateOf: 'x' }), false);
        assert.equal(await store.outbox.getByKey('x:v2'), undefined);
        const { requestId: _, ...withoutRequest } = edit;
        assert.equal(await store.outbox.enqueueEdit({ ...withoutRequest, idempotencyKey: 'card:REQ-1001:v3' }), true);
        assert.equal((await store.outbox.getByKey('card:REQ-1001:v3'))?.requestId, undefined);
      });

      it('keeps update operations and their target', async () => {
        const m = await store.outbox.enqueue(
          outboxInput('card:REQ-1001:v2', { operation: 'update', updateOf: 'card:REQ-1001' }),
        );
        assert.equal(m?.operation, 'update');
        assert.equal(m?.updateOf, 'card:REQ-1001');
      });

      it('returns due pending messages oldest first, up to the limit', async () => {
        const a = await store.outbox.enqueue(outboxInput('a', { createdAt: at(3) }));
        const b = await store.outbox.enqueue(outboxInput('b', { createdAt: at(1) }));
        const c = await store.outbox.enqueue(outboxInput('c', { createdAt: at(2) }));
        await store.outbox.enqueue(outboxInput('later', { createdAt: at(50) }));
        assert.deepEqual(
          (await store.outbox.due(at(5), 10)).map((m) => m.id),
          [a!.id, b!.id, c!.id],
        );
        assert.deepEqual(
          (await store.outbox.due(at(5), 2)).map((m) => m.id),
          [a!.id, b!.id],
        );
        assert.deepEqual(
          (await store.outbox.due(at(1), 10)).map((m) => m.id),
          [b!.id],
        );
      });

      it('markSent records the activity id and takes the message off the queue', async () => {
        const m = (await store.outbox.enqueue(outboxInput('a')))!;
        await store.outbox.markSent(m.id, 'activity-123');
        const sent = await store.outbox.getByKey('a');
        assert.equal(sent?.status, 'sent');
        assert.equal(sent?.activityId, 'activity-123');
        assert.deepEqual(await store.outbox.due(at(100), 10), []);
        assert.deepEqual(
          (await store.outbox.list({ status: 'sent' })).map((x) => x.id),
          [m.id],
        );
        const n = (await store.outbox.enqueue(outboxInput('b')))!;
        await store.outbox.markSent(n.id, undefined);
        assert.equal((await store.outbox.getByKey('b'))?.activityId, undefined);
      });

      it('markFailed reschedules, or parks the message as dead; retryDead revives it', async () => {
        const m = (await store.outbox.enqueue(outboxInput('a')))!;
        const other = (await store.outbox.enqueue(outboxInput('b')))!;
        await store.outbox.markFailed(m.id, 'HTTP 429', at(10), false);
        let stored = await store.outbox.getByKey('a');
        assert.equal(stored?.status, 'pending');
        assert.equal(stored?.attempts, 1);
        assert.equal(stored?.lastError, 'HTTP 429');
        assert.equal(stored?.nextAttemptAt, at(10));
        assert.deepEqual(
          (await store.outbox.due(at(9), 10)).map((x) => x.id),
          [other.id],
        );
        assert.deepEqual(
          (await store.outbox.due(at(10), 10)).map((x) => x.id),
          [m.id, other.id],
        );

        await store.outbox.markFailed(m.id, 'HTTP 403', at(20), true);
        await store.outbox.markFailed(other.id, 'HTTP 404', at(20), true);
        stored = await store.outbox.getByKey('a');
        assert.equal(stored?.status, 'dead');
        assert.equal(stored?.attempts, 2);
        assert.deepEqual(await store.outbox.due(at(1000), 10), []);
        assert.equal((await store.outbox.list({ status: 'dead' })).length, 2);

        assert.equal(await store.outbox.retryDead([m.id]), 1);
        assert.equal(await store.outbox.retryDead([]), 0);
        assert.equal((await store.outbox.getByKey('a'))?.status, 'pending');
        assert.equal((await store.outbox.getByKey('b'))?.status, 'dead');
        assert.equal(await store.outbox.retryDead(), 1);
        assert.equal(await store.outbox.retryDead(), 0);
        const due = await store.outbox.due(new Date(Date.now() + 60_000).toISOString(), 10);
        assert.deepEqual(
          due.map((x) => x.id),
          [m.id, other.id],
        );
        assert.equal((await store.outbox.list()).length, 2);
      });
    });

    describe('leases', () => {
      it('one holder at a time; renewal keeps the token; a takeover after expiry increments it', async () => {
        assert.equal(await store.leases.acquire('monitor', 'a', 60_000), 1);
        assert.equal(await store.leases.acquire('monitor', 'b', 60_000), undefined, 'a holds it');
        assert.equal(await store.leases.acquire('monitor', 'a', 60_000), 1, 'renewed, same token');
        await store.leases.assertHeld('monitor', 'a', 1);
        await assert.rejects(store.leases.assertHeld('monitor', 'b', 1), LeaseLostError);
        const racing = await Promise.all(['x', 'y', 'z'].map((h) => store.leases.acquire('other', h, 60_000)));
        assert.equal(racing.filter((t) => t !== undefined).length, 1, 'one of three racing acquirers');
        await store.leases.release('monitor', 'b'); // not the holder: no effect
        assert.equal(await store.leases.acquire('monitor', 'b', 60_000), undefined);
        await store.leases.release('monitor', 'a');
        assert.equal(await store.leases.acquire('monitor', 'b', 60_000), 2, 'taken over: new token');
        await assert.rejects(store.leases.assertHeld('monitor', 'a', 1), LeaseLostError);
        await assert.rejects(
          store.transaction(async (s) => {
            await s.kv.set('polled-by', 'a');
            await s.leases.assertHeld('monitor', 'a', 1);
          }),
          LeaseLostError,
        );
        assert.equal(await store.kv.get('polled-by'), undefined, 'a fenced write rolls back');
      });

      it('expires on the fleet’s clock', async () => {
        assert.equal(await store.leases.acquire('short', 'a', 1), 1);
        await new Promise((r) => setTimeout(r, 20));
        await assert.rejects(store.leases.assertHeld('short', 'a', 1), LeaseLostError, 'expired');
        assert.equal(await store.leases.acquire('short', 'b', 60_000), 2);
      });
    });

    describe('outbox in-flight marks and send log', () => {
      it('marks a message in flight in its row; sent or failed clears the mark', async () => {
        const m = (await store.outbox.enqueue(outboxInput('a')))!;
        const n = (await store.outbox.enqueue(outboxInput('b')))!;
        await store.outbox.markInFlight(m.id, 'sender-1', at(1));
        await store.outbox.markInFlight(n.id, 'sender-2', at(1));
        const marked = await store.outbox.getByKey('a');
        assert.equal(marked?.inFlightAt, at(1));
        assert.equal(marked?.inFlightBy, 'sender-1');
        await store.outbox.markSent(m.id, 'act-1');
        await store.outbox.markFailed(n.id, 'HTTP 503', at(2), false);
        assert.equal((await store.outbox.getByKey('a'))?.inFlightAt, undefined);
        assert.equal((await store.outbox.getByKey('b'))?.inFlightBy, undefined);
      });

      it('logs sends per conversation and for the tenant, and prunes old ones', async () => {
        await store.transaction(async (s) => {
          const now = await s.outbox.lockSendLog();
          assert.ok(Math.abs(now - Date.now()) < 1000, 'the database’s real clock');
          await s.outbox.recordSend('c1', 1000);
          await s.outbox.recordSend('c2', 2000);
          await s.outbox.recordSend('c1', 3000);
        });
        assert.deepEqual(await store.outbox.sendTimes('c1', 0), [1000, 3000]);
        assert.deepEqual(await store.outbox.sendTimes(undefined, 1500), [2000, 3000]);
        assert.equal(await store.outbox.pruneSends(2500), 2);
        assert.deepEqual(await store.outbox.sendTimes(undefined, 0), [3000]);
      });

      it('moves a send in flight (logged in the future) to the database’s clock once it has ended', async () => {
        const future = Date.now() + 10_000;
        const id = await store.transaction(async (s) => {
          await s.outbox.lockSendLog();
          return s.outbox.recordSend('c1', future);
        });
        assert.deepEqual(await store.outbox.sendTimes('c1', 0), [future]);
        const before = Date.now();
        await store.outbox.completeSend(id);
        const [done] = await store.outbox.sendTimes('c1', 0);
        assert.ok(done! >= before - 50 && done! <= Date.now() + 50, `${done} is now, not ${future}`);
      });

      it('lists one conversation’s messages', async () => {
        await store.outbox.enqueue(outboxInput('a', { conversationKey: 'c1' }));
        await store.outbox.enqueue(outboxInput('b', { conversationKey: 'c2' }));
        await store.outbox.enqueue(outboxInput('c', { conversationKey: 'c1' }));
        assert.deepEqual(
          (await store.outbox.list({ conversationKey: 'c1' })).map((m) => m.idempotencyKey),
          ['a', 'c'],
        );
      });
    });

    describe('kv', () => {
      it('gets and sets JSON values', async () => {
        assert.equal(await store.kv.get('missing'), undefined);
        await store.kv.set('snapshot', { envs: ['a', 'b'], n: 2 });
        assert.deepEqual(await store.kv.get('snapshot'), { envs: ['a', 'b'], n: 2 });
        await store.kv.set('snapshot', { envs: [] });
        assert.deepEqual(await store.kv.get('snapshot'), { envs: [] });
        await store.kv.set('flag', false);
        assert.equal(await store.kv.get<boolean>('flag'), false);
      });

      it('setIfAbsent sets once and reports who won', async () => {
        assert.equal(await store.kv.setIfAbsent('activity:1', { at: T0 }), true);
        assert.equal(await store.kv.setIfAbsent('activity:1', { at: at(1) }), false);
        assert.deepEqual(await store.kv.get('activity:1'), { at: T0 });
        const racing = await Promise.all(Array.from({ length: 8 }, (_, i) => store.kv.setIfAbsent('activity:2', i)));
        assert.equal(racing.filter(Boolean).length, 1);
      });

      it('prunes rows of the given prefixes written before a time, and nothing else', async () => {
        await store.kv.setIfAbsent('activity:a:1', T0);
        await store.kv.setIfAbsent('draft-filed:d1', T0);
        await store.kv.set('monitor:snapshot', { envs: [] });
        await store.kv.set('activityfeed', 1); // shares letters with a prefix, not the prefix itself
        const past = new Date(Date.now() - 60_000).toISOString();
        const future = new Date(Date.now() + 60_000).toISOString();
        assert.equal(await store.kv.pruneWrittenBefore(['activity:', 'draft-filed:'], past), 0, 'written just now');
        // A prefix is matched literally: _ and % are no wildcards.
        assert.equal(await store.kv.pruneWrittenBefore(['activit_:', '%'], future), 0);
        assert.equal(await store.kv.pruneWrittenBefore(['activity:', 'draft-filed:'], future), 2);
        assert.equal(await store.kv.get('activity:a:1'), undefined);
        assert.equal(await store.kv.get('draft-filed:d1'), undefined);
        assert.deepEqual(await store.kv.get('monitor:snapshot'), { envs: [] });
        assert.equal(await store.kv.get('activityfeed'), 1);
        // Once pruned, the same id counts as new again.
        assert.equal(await store.kv.setIfAbsent('activity:a:1', T0), true);
      });
    });

    describe('conversations and channels', () => {
      it('upserts and reads conversation references', async () => {
        assert.equal(await store.conversations.get('personal:user-1'), undefined);
        const ref = {
          conversation: { id: 'a:1' },
          serviceUrl: 'https://smba.trafficmanager.net/emea/',
          bot: { id: 'b' },
        };
        await store.conversations.upsert({ key: 'personal:user-1', reference: ref, updatedAt: T0 });
        assert.deepEqual(await store.conversations.get('personal:user-1'), {
          key: 'personal:user-1',
          reference: ref,
          updatedAt: T0,
        });
        const moved = { ...ref, serviceUrl: 'https://smba.trafficmanager.net/amer/' };
        await store.conversations.upsert({ key: 'personal:user-1', reference: moved, updatedAt: at(1) });
        assert.deepEqual(await store.conversations.get('personal:user-1'), {
          key: 'personal:user-1',
          reference: moved,
          updatedAt: at(1),
        });
      });

      it('sets and replaces channel settings per kind', async () => {
        assert.equal(await store.channels.get('approvals'), undefined);
        const approvals = { kind: 'approvals' as const, conversationKey: 'channel:19:a', setBy: 'user-1', setAt: T0 };
        await store.channels.set(approvals);
        await store.channels.set({ kind: 'audit', conversationKey: 'channel:19:b', setBy: 'user-1', setAt: T0 });
        assert.deepEqual(await store.channels.get('approvals'), approvals);
        const moved = { ...approvals, conversationKey: 'channel:19:c', setBy: 'user-2', setAt: at(1) };
        await store.channels.set(moved);
        assert.deepEqual(await store.channels.get('approvals'), moved);
        assert.equal((await store.channels.get('audit'))?.conversationKey, 'channel:19:b');
        assert.equal(await store.channels.get('notifications'), undefined);
      });

      it('prunes unused references, never one the bot still needs to reach someone', async () => {
        const ref = { conversation: { id: 'a:1' }, serviceUrl: 'https://smba.trafficmanager.net/emea/' };
        const remember = (key: string, updatedAt = T0) =>
          store.conversations.upsert({ key, reference: ref, updatedAt });
        const person = (id: string) => ({ id, upn: `${id}@contoso.com`, displayName: id, hasPowerAppsLicense: true });
        const fileFor = (id: string, user: string, over: Partial<GovernanceRequest>) =>
          store.requests.insert(makeRequest(id, { requester: person(user), ...over }));
        for (const user of ['pending', 'executing', 'grant', 'done', 'outbox', 'sent', 'quoted', 'recent'])
          await remember(`personal:${user}`, user === 'recent' ? at(10) : T0);
        await remember('channel:19:approvals');
        await remember('group:19:chat');
        await fileFor('REQ-1', 'pending', { status: 'pending' });
        await fileFor('REQ-2', 'executing', { status: 'executing' });
        await fileFor('REQ-3', 'grant', { status: 'completed', grantEndsAt: at(60 * 24 * 30) });
        await fileFor('REQ-4', 'done', { status: 'completed' });
        await fileFor('REQ-5', 'quoted', { status: 'completed', justification: 'please set "grantEndsAt": soon' });
        await store.channels.set({ kind: 'approvals', conversationKey: 'channel:19:approvals', setBy: 'u', setAt: T0 });
        await store.outbox.enqueue(outboxInput('waiting', { conversationKey: 'personal:outbox' }));
        const sent = await store.outbox.enqueue(outboxInput('delivered', { conversationKey: 'personal:sent' }));
        await store.outbox.markSent(sent!.id, 'activity-1');

        assert.equal(await store.conversations.pruneUnused(at(5)), 4);
        const left = [];
        for (const key of [
          ...['pending', 'executing', 'grant', 'done', 'outbox', 'sent', 'quoted', 'recent'].map(
            (u) => `personal:${u}`,
          ),
          'channel:19:approvals',
          'group:19:chat',
        ])
          if (await store.conversations.get(key)) left.push(key);
        assert.deepEqual(left, [
          'personal:pending',
          'personal:executing',
          'personal:grant',
          'personal:outbox',
          'personal:recent',
          'channel:19:approvals',
        ]);
        assert.equal(await store.conversations.pruneUnused(at(5)), 0);
      });
    });
  });
}

function outboxInput(
  idempotencyKey: string,
  overrides: Partial<Parameters<Store['outbox']['enqueue']>[0]> = {},
): Parameters<Store['outbox']['enqueue']>[0] {
  return {
    idempotencyKey,
    conversationKey: 'channel:19:approvals',
    operation: 'send',
    activity: { type: 'message', text: idempotencyKey },
    createdAt: T0,
    ...overrides,
  };
}
