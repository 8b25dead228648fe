// Several replicas on one PostgreSQL, as a scale-out deployment runs: three bot processes on their own ports, one
// shared simulated tenant process, a round-robin proxy in front (which can hand one invoke to two replicas at
// once), and a Bot Connector double that answers 429 whenever Teams' windows are exceeded. Each scenario gets a
// fresh throw-away database and asserts on the tenant's final state, `govbot audit verify`, and what the connector
// double saw.
// Run with `npm run test:fleet`. It joins `npm test` (rename to *.test.ts) once the outbox's fleet-wide lanes and
// pacing are on main: without them three replicas post duplicate approval cards and exceed Teams' windows, which
// scenario 1 shows (41 cards for 30 requests, 28 answers 429 in one run).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EXECUTE_JOB } from '../../src/requests/governance-service.js';
import type { GovernanceRequest } from '../../src/requests/model.js';
import type { Store } from '../../src/requests/ports/store.js';
import { openStore } from '../../src/storage/open-store.js';
import { approveInChannel, setUpChannels } from '../support/bot-harness.js';
import { failpointHits } from '../support/bot-process.js';
import { type ConnectorCall, cardText, firstCard } from '../support/connector-double.js';
import { envs, team, users } from '../support/fixture-ids.js';
import { type Fleet, type FleetOptions, startFleet } from '../support/fleet.js';
import { createThrowawayDatabase, dropDatabase } from '../support/postgres.js';
import { seededMaker } from '../support/seed-tenant.js';

/** Seeded makers: 1-30 scenario 1, 31 scenario 3, 32-231 scenario 5. */
const MAKERS = 231;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The data of the Approve button (Action.Execute verb approve) on an approval card. */
function approveData(post: ConnectorCall): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown) => {
    if (found || !node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.Execute' && o.verb === 'approve') found = o.data as Record<string, unknown>;
    for (const v of Object.values(o)) walk(v);
  };
  walk(firstCard(post.body));
  if (!found) throw new Error(`no Approve button on ${cardText(firstCard(post.body))}`);
  return found;
}

const approvalPosts = (fleet: Fleet) => fleet.connector.messages(team.approvals).filter((c) => c.method === 'POST');
const makerGrants = async (fleet: Fleet) =>
  (await fleet.simulator.requests()).filter((r) => r.method === 'POST' && r.path.includes('modifyRoleAssignments'));
const creationPosts = async (fleet: Fleet) =>
  (await fleet.simulator.requests()).filter(
    (r) => r.method === 'POST' && /\/Microsoft\.BusinessAppPlatform\/environments$/.test(r.path),
  );

describe('several replicas on one PostgreSQL', function () {
  // One fleet for every scenario (processes start slowly on a busy machine); each scenario restarts the replicas
  // with the failpoints it needs and asserts only on its own people and requests.
  this.timeout(300_000);
  let db: { name: string; url: string } | undefined;
  let fleet: Fleet;
  let store: Store;

  before(async function () {
    try {
      db = await createThrowawayDatabase('govbot_fleet');
    } catch (error) {
      if (process.env.CI) throw error;
      console.warn(`PostgreSQL unreachable: skipping (${String(error)})`);
      this.skip();
    }
    fleet = await startFleet({ databaseUrl: db.url, makers: MAKERS });
    store = await openStore({ DATABASE_URL: db.url, DATA_DIR: fleet.dataDir });
    await setUpChannels(fleet.teams, ['approvals', 'audit']);
  });
  after(async () => {
    await store?.close().catch(() => undefined);
    await fleet?.stop().catch(() => undefined);
    if (db) await dropDatabase(db.name).catch(() => undefined);
  });
  afterEach(async () => {
    // Whatever a scenario did, the audit chain stays one chain and no Teams window was exceeded.
    const verify = await fleet.auditVerify();
    assert.equal(verify.code, 0, verify.output);
    assert.deepEqual(fleet.connector.throttled, [], 'no Teams window exceeded');
  });

  const auditActions = async (requestId: string, action: string) =>
    (await store.audit.list({ requestId, action })).length;
  const requestsOf = async (people: { id: string }[]) => {
    const ids = new Set(people.map((p) => p.id));
    return (await store.requests.list({ limit: 10_000 })).filter((r) => ids.has(r.requester.id));
  };
  const cardsFor = (requestIds: Set<string>) =>
    approvalPosts(fleet).filter((c) => [...requestIds].some((id) => cardText(firstCard(c.body)).includes(id)));

  it('(1) 30 approvals, each delivered to two replicas at once: one decision, one job, one grant each', async () => {
    const f = fleet;
    const makers = range(30).map(seededMaker);
    await Promise.all(makers.map((m) => f.teams.personal(m, 'request maker role in Marketing Sandbox')));
    const filed = await waitUntil('30 requests', async () => {
      const mine = await requestsOf(makers);
      return mine.length === 30 ? mine : undefined;
    });
    const cards = await waitUntil('30 approval cards', () => {
      const posts = cardsFor(new Set(filed.map((r) => r.id)));
      return posts.length >= 30 ? posts : undefined;
    });
    assert.equal(cards.length, 30, 'one card per request');

    f.proxy.fanOutNext(30);
    const answers = await Promise.all(cards.map((c) => approveInChannel(f.teams, users.megan, c.id, approveData(c))));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    assert.equal(f.proxy.answers.length >= 60, true, 'every invoke reached two replicas');

    const done = await waitUntil(
      'every request completed',
      async () => {
        const all = await requestsOf(makers);
        return all.length === 30 && all.every((r) => r.status === 'completed') ? all : undefined;
      },
      120_000,
    );
    const jobs = await store.jobs.list({ kind: EXECUTE_JOB });
    for (const r of done) {
      assert.equal(r.decisions.length, 1, `${r.id}: one decision`);
      assert.equal(await auditActions(r.id, 'request.approved'), 1, `${r.id}: one approval audited`);
      assert.equal(await auditActions(r.id, 'execution.completed'), 1, `${r.id}: executed once`);
      assert.equal(jobs.filter((j) => j.payload.requestId === r.id).length, 1, `${r.id}: one job`);
    }
    // The tenant: 30 grant calls, and each maker holds the role exactly once.
    assert.equal((await makerGrants(f)).length, 30);
    const tenant = await f.simulator.state();
    const marketing = (
      tenant.environments as unknown as {
        name: string;
        roleAssignments: { role: string; principal: { id: string } }[];
      }[]
    ).find((e) => e.name === envs.marketingSandbox);
    for (const m of makers) {
      assert.equal(
        marketing?.roleAssignments.filter((a) => a.role === 'EnvironmentMaker' && a.principal.id === m.id).length,
        1,
        `${m.name} is maker once`,
      );
    }
  });

  it('(2) kill -9 of the replica executing a new environment right after the creation POST: another resumes, one POST', async () => {
    const f = fleet;
    await f.restartReplicas(['execution.after-environment-post']);
    const replies = await f.teams.say(
      users.alex,
      'new sandbox environment called Fleet Research in Europe without Dataverse',
    );
    await confirmDraftIfAsked(f, replies);
    const [filed] = await waitUntil('the request', async () => {
      const mine = await requestsOf([users.alex]);
      return mine.length ? mine : undefined;
    });
    assert.ok(filed);
    const [card] = await waitUntil('the approval card', () => {
      const mine = cardsFor(new Set([filed.id]));
      return mine.length ? mine : undefined;
    });
    assert.ok(card);
    const answer = await approveInChannel(f.teams, users.megan, card.id, approveData(card));
    assert.equal(answer.status, 200);

    // One replica dies at the point; the proxy keeps sending to the others.
    await waitUntil('a replica killed after the creation POST', () =>
      failpointHits(f.failpointLog).includes('execution.after-environment-post') ? true : undefined,
    );
    const dead = await waitUntil('the dead replica', () => f.replicas.find((r) => r?.child.signalCode === 'SIGKILL'));
    const request = await waitUntil(
      'the request completed by another replica',
      async () => {
        const r = await store.requests.get(filed.id);
        return r && ['completed', 'failed'].includes(r.status) ? r : undefined;
      },
      120_000,
    );
    assert.equal(request.status, 'completed', JSON.stringify(request.execution.error));
    assert.ok(dead);
    assert.equal((await creationPosts(f)).length, 1, 'the tenant saw exactly one creation POST');
    const tenant = await f.simulator.state();
    assert.equal(
      (tenant.environments as { displayName: string }[]).filter((e) => e.displayName === 'Fleet Research').length,
      1,
    );
    assert.deepEqual(failpointHits(f.failpointLog), ['execution.after-environment-post'], 'no replica posted again');
    // The requester is told once that it is ready.
    const told = f.connector
      .messages(f.teams.personalConversationId(users.alex))
      .filter(
        (c) => c.method === 'POST' && /Fleet Research/.test(cardText(firstCard(c.body)) + String(c.body.text ?? '')),
      );
    assert.equal(
      told.filter((c) => /created|ready|completed/i.test(cardText(firstCard(c.body)) + String(c.body.text ?? '')))
        .length <= 1,
      true,
    );
    assert.equal(await auditActions(request.id, 'execution.completed'), 1);
  });

  it('(3) SIGSTOP of the lease holder past its lease: another takes over; the paused one cannot write; no step twice', async () => {
    const f = fleet;
    await f.restartReplicas(['execution.after-grant:stop']);
    const maker = seededMaker(31);
    const grantsBefore = (await makerGrants(f)).length;
    await f.teams.personal(maker, 'request maker role in Marketing Sandbox');
    const [filed] = await waitUntil('the request', async () => {
      const mine = await requestsOf([maker]);
      return mine.length ? mine : undefined;
    });
    assert.ok(filed);
    const [card] = await waitUntil('the approval card', () => {
      const mine = cardsFor(new Set([filed.id]));
      return mine.length ? mine : undefined;
    });
    assert.ok(card);
    await approveInChannel(f.teams, users.megan, card.id, approveData(card));

    // The replica that granted the role freezes before storing anything, and stays frozen past its 2 s lease.
    const paused = await waitUntil('a replica frozen after the grant', () =>
      f.replicas.find((r) => r && processState(r.child.pid) === 'T'),
    );
    const completed = await waitUntil(
      'another replica completing the request',
      async () => {
        const r = await store.requests.get(filed.id);
        return r?.status === 'completed' ? r : undefined;
      },
      60_000,
    );
    assert.equal(completed.execution.result?.alreadyHeld, true, 'the taker-over saw the grant and did not repeat it');
    paused.child.kill('SIGCONT');
    // Give the paused replica time to try its next write (and be refused).
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(processState(paused.child.pid) !== undefined, true, 'the paused replica lives on');
    const after = await store.requests.get(completed.id);
    assert.equal(after?.version, completed.version, 'the paused replica wrote nothing to the request');
    assert.equal(await auditActions(completed.id, 'execution.completed'), 1);
    assert.equal((await makerGrants(f)).length, grantsBefore + 1, 'the role was granted once');
    assert.match(paused.output(), /lease/i, 'the paused replica was told its lease was lost');
  });

  it('(5) 200 makers filing at once through the proxy: every request stored once, every receipt sent, ids unique', async () => {
    const f = fleet;
    await f.restartReplicas([]);
    const makers = range(200).map((n) => seededMaker(31 + n));
    const statuses = await Promise.all(
      makers.map((m) => f.teams.personal(m, 'request maker role in Marketing Sandbox').then((r) => r.status)),
    );
    assert.deepEqual(new Set(statuses), new Set([200]));
    const stored = await waitUntil('200 requests stored', async () => {
      const all = await requestsOf(makers);
      return all.length >= 200 ? all : undefined;
    });
    assert.equal(stored.length, 200, 'no request stored twice');
    assert.equal(new Set(stored.map((r) => r.id)).size, 200, 'ids unique');
    assert.deepEqual(
      new Set(stored.map((r) => r.requester.id)),
      new Set(makers.map((m) => m.id)),
      'one request per maker',
    );
    for (const r of stored.slice(0, 200)) assert.equal(await auditActions(r.id, 'request.created'), 1);
    // Every maker got a receipt naming their request.
    await waitUntil(
      'every receipt',
      () => (makers.every((m) => receiptFor(f, m.id, stored)) ? true : undefined),
      120_000,
    );
  });
});

function receiptFor(f: Fleet, makerId: string, stored: GovernanceRequest[]): boolean {
  const id = stored.find((r) => r.requester.id === makerId)?.id;
  if (!id) return false;
  return f.connector
    .messages(`a:personal-${makerId}`)
    .some((c) => c.method === 'POST' && (cardText(firstCard(c.body)) + String(c.body.text ?? '')).includes(id));
}

/** A process's state letter from /proc (R, S, T for stopped…), or undefined when it is gone. */
function processState(pid: number | undefined): string | undefined {
  if (pid === undefined) return undefined;
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
  } catch {
    return undefined;
  }
}

/** When the bot shows a draft to confirm, press its Submit button (through the proxy, as Teams would). */
async function confirmDraftIfAsked(f: Fleet, replies: Record<string, unknown>[]): Promise<void> {
  for (const reply of replies) {
    let submit: { verb: string; data: unknown } | undefined;
    const walk = (node: unknown) => {
      if (submit || !node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (o.type === 'Action.Execute' && typeof o.verb === 'string' && /submit|confirm|file/i.test(o.verb))
        submit = { verb: o.verb, data: o.data };
      for (const v of Object.values(o)) walk(v);
    };
    walk(firstCard(reply));
    if (submit) {
      const res = await f.teams.invoke(users.alex, submit.verb, submit.data, {
        conversationId: f.teams.personalConversationId(users.alex),
      });
      assert.equal(res.status, 200);
    }
  }
}
