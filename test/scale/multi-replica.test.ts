// Several replicas on one PostgreSQL, as a scale-out deployment runs: three bot processes on their own ports, one
// shared simulated tenant process, a round-robin proxy in front (which can hand one invoke to two replicas at
// once), and a Bot Connector double that answers 429 whenever Teams' windows are exceeded. One fleet and one
// throw-away database serve every scenario (processes start slowly on a busy 2-core machine): a scenario arms the
// failpoints it needs in the running replicas, asserts on its own people and requests (the tenant's final state,
// `govbot audit verify`, what the connector double saw), and the replicas it killed are started again after it.
// Part of `npm test`; alone: `npm run test:fleet`. Needs the PostgreSQL server: skipped without it locally, failing
// in CI (CI=true).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { EXECUTE_JOB } from '../../src/requests/governance-service.js';
import type { GovernanceRequest } from '../../src/requests/model.js';
import type { Store } from '../../src/requests/ports/store.js';
import { openStore } from '../../src/storage/open-store.js';
import { issueTestToken } from '../../src/tenant/simulator/tokens.js';
import { approveInChannel, setUpChannels } from '../support/bot-harness.js';
import { failpointHits } from '../support/bot-process.js';
import { actionsOf, type ConnectorCall, cardText, firstCard } from '../support/connector-double.js';
import { envs, team, users } from '../support/fixture-ids.js';
import { type Fleet, startFleet } from '../support/fleet.js';
import { createThrowawayDatabase, dropDatabase } from '../support/postgres.js';
import { seededMaker } from '../support/seed-tenant.js';

/** Seeded makers: 1-30 scenario 1, 31 scenario 3, 32-231 scenario 5, 232-266 scenario 4 (a batch of six per try). */
const MAKERS = 267;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
  explain?: () => Promise<string> | string,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${explain ? `: ${await explain()}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** How many of each value (for failure messages). */
function histogram(values: string[]): string {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return JSON.stringify(counts);
}

/** The data of the Approve button (Action.Execute verb approve) on an approval card. */
function approveData(post: ConnectorCall): Record<string, unknown> {
  const data = actionsOf(firstCard(post.body), 'approve')[0]?.data;
  if (!data) throw new Error(`no Approve button on ${cardText(firstCard(post.body))}`);
  return data;
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
  /** Failpoint hits logged before the running scenario began. */
  let hitsBefore = 0;
  const newHits = () => failpointHits(fleet.failpointLog).slice(hitsBefore);

  before(async function () {
    try {
      db = await createThrowawayDatabase('govbot_fleet');
    } catch (error) {
      if (process.env.CI) throw new Error(`PostgreSQL is required in CI and unreachable: ${String(error)}`);
      console.warn(`PostgreSQL unreachable: skipping (${String(error)})`);
      this.skip();
    }
    fleet = await startFleet({ databaseUrl: db.url, makers: MAKERS });
    store = await openStore({ DATABASE_URL: db.url, DATA_DIR: fleet.dataDir });
    await setUpChannels(fleet.teams, ['approvals', 'audit', 'notifications']);
  });
  beforeEach(() => {
    if (fleet) hitsBefore = failpointHits(fleet.failpointLog).length;
  });
  after(async () => {
    await store?.close().catch(() => undefined);
    await fleet?.stop().catch(() => undefined);
    if (db) await dropDatabase(db.name).catch(() => undefined);
  });
  afterEach(async () => {
    // Disarm, and bring back whoever a failpoint stopped or killed, for the next scenario.
    fleet.arm([]);
    await fleet.reviveDead();
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
      async () =>
        `requests ${histogram((await requestsOf(makers)).map((r) => r.status))}, jobs ${histogram(
          (await store.jobs.list({ kind: EXECUTE_JOB })).map((j) => `${j.status}/${j.attempts}`),
        )}`,
    );
    const jobs = await store.jobs.list({ kind: EXECUTE_JOB });
    for (const r of done) {
      assert.equal(r.decisions.length, 1, `${r.id}: one decision`);
      assert.equal(await auditActions(r.id, 'request.approved'), 1, `${r.id}: one approval audited`);
      assert.equal(await auditActions(r.id, 'execution.completed'), 1, `${r.id}: executed once`);
      assert.equal(jobs.filter((j) => j.payload.requestId === r.id).length, 1, `${r.id}: one job`);
    }
    // Every card shows its final state: the outbox drains (at Teams' pace: 60 per 30 s in the approvals channel).
    await waitUntil(
      'every card update sent',
      async () => ((await store.outbox.list({ status: 'pending' })).length === 0 ? true : undefined),
      120_000,
      async () => histogram((await store.outbox.list({ status: 'pending' })).map((m) => m.conversationKey)),
    );
    assert.deepEqual(await store.outbox.list({ status: 'dead' }), [], 'no message given up');
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
    f.arm(['execution.after-environment-post']);
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
      newHits().includes('execution.after-environment-post') ? true : undefined,
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
    assert.deepEqual(newHits(), ['execution.after-environment-post'], 'no replica posted again');
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
    f.arm(['execution.after-grant:stop']);
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
    // The taker-over found the role granted, but knew from the checkpoint that the maker did not hold it before.
    assert.equal(
      completed.execution.result?.alreadyHeld,
      false,
      'the first attempt’s grant is not taken for the maker’s own',
    );
    paused.child.kill('SIGCONT');
    // The paused replica wakes, tries its next write, and is refused.
    await waitUntil('the paused replica told its lease was lost', () =>
      /lease lost/i.test(paused.output()) ? true : undefined,
    );
    assert.equal(processState(paused.child.pid) !== undefined, true, 'the paused replica lives on');
    const after = await store.requests.get(completed.id);
    assert.equal(after?.version, completed.version, 'the paused replica wrote nothing to the request');
    assert.equal(await auditActions(completed.id, 'execution.completed'), 1);
    assert.equal((await makerGrants(f)).length, grantsBefore + 1, 'the role was granted once');
    assert.match(paused.output(), /lease lost/i, 'the paused replica was told its lease was lost');
  });

  it('(4) kill -9 of the outbox sender and of the monitor holder: takeover within one lease period, no duplicate card, no limit exceeded', async () => {
    const f = fleet;
    const callsBefore = f.connector.calls.length;
    const exitedAt = new Map<number | undefined, number>();
    const watched = new Set<number | undefined>();
    const watchExits = () => {
      for (const r of f.replicas) {
        if (!r || watched.has(r.child.pid)) continue;
        watched.add(r.child.pid);
        r.child.once('exit', () => exitedAt.set(r.child.pid, Date.now()));
      }
    };
    watchExits();

    // The outbox: a replica about to send dies with the message marked in flight (nothing sent yet). Armed in two
    // replicas (whichever sends first), never the third, which lives to take the lanes over. Any replica may win a
    // conversation's lane, so the unarmed one may send a whole batch itself: then another batch is filed with a
    // different replica left unarmed, until a sender dies (each batch's cards are checked below all the same).
    const makers: ReturnType<typeof seededMaker>[] = [];
    for (let batch = 0; !newHits().includes('outbox.before-send'); batch++) {
      assert.ok(batch < 6, 'no armed replica ever sent in six batches');
      const survivor = (2 + batch) % 3;
      f.arm(
        ['outbox.before-send'],
        [0, 1, 2].filter((i) => i !== survivor),
      );
      const mine = range(6).map((n) => seededMaker(231 + batch * 6 + n));
      makers.push(...mine);
      // A message whose replica died before answering (the proxy answers 502) is sent again, as Teams redelivers an
      // activity the bot did not answer; a request it had already stored is answered as pending, not filed twice.
      await Promise.all(
        mine.map(async (m) => {
          for (let attempt = 0; attempt < 3; attempt++)
            if ((await f.teams.personal(m, 'request maker role in Marketing Sandbox')).status === 200) return;
        }),
      );
      await waitUntil('a sender killed, or the batch sent by the unarmed replica', async () => {
        if (newHits().includes('outbox.before-send')) return true;
        const filedNow = (await requestsOf(mine)).map((r) => r.id);
        return filedNow.length === mine.length && cardsFor(new Set(filedNow)).length >= mine.length ? true : undefined;
      });
    }
    f.arm([]);
    const sender = await waitUntil('the dead sender', () =>
      f.replicas.find((r) => r?.child.signalCode === 'SIGKILL' && exitedAt.has(r.child.pid)),
    );
    const [stranded] = await waitUntil('the message it left in flight', async () => {
      const left = (await store.outbox.list({ status: 'pending' })).filter((m) => m.inFlightAt !== undefined);
      return left.length ? left : undefined;
    });
    assert.ok(stranded);
    await waitUntil('the stranded message sent by another replica', async () =>
      (await store.outbox.getByKey(stranded.idempotencyKey))?.status === 'sent' ? true : undefined,
    );
    const outboxTakeoverMs = Date.now() - exitedAt.get(sender.child.pid)!;
    // The lane lease is 2 s (OUTBOX_LANE_LEASE_SECONDS); the new holder's poll and pacing come on top.
    assert.ok(outboxTakeoverMs < 2_000 + 3_000, `the lane was taken over and sent after ${outboxTakeoverMs} ms`);
    const filed = await waitUntil(`${makers.length} requests`, async () => {
      const mine = await requestsOf(makers);
      return mine.length === makers.length ? mine : undefined;
    });
    await waitUntil(`${makers.length} approval cards`, () =>
      cardsFor(new Set(filed.map((r) => r.id))).length >= makers.length ? true : undefined,
    );
    for (const r of filed) assert.equal(cardsFor(new Set([r.id])).length, 1, `${r.id}: one approval card`);

    // The monitor: an admin outside the bot makes Johanna a maker in Contoso Dev, and the poller that finds it
    // dies before its commit (its cards are enqueued in the transaction that dies with it). First the fleet is
    // whole again (two senders may have died at once above), so standbys are there to take over.
    await f.reviveDead();
    watchExits();
    f.arm(['monitor.before-commit']);
    await grantOutsideTheBot(f, envs.contosoDev, users.johanna.id);
    await waitUntil(
      'the monitor holder killed',
      () => (newHits().includes('monitor.before-commit') ? true : undefined),
      30_000,
    );
    f.arm([]);
    const holder = await waitUntil('the dead monitor holder', () =>
      f.replicas.find((r) => r?.child.signalCode === 'SIGKILL' && exitedAt.has(r.child.pid)),
    );
    const dead = await monitorLease(db!.url);
    await waitUntil('another replica holding the monitor lease', async () => {
      const now = await monitorLease(db!.url);
      return now && now.holder !== dead?.holder ? now : undefined;
    });
    const monitorTakeoverMs = Date.now() - exitedAt.get(holder.child.pid)!;
    assert.ok(monitorTakeoverMs <= 10_000, `the monitor was taken over ${monitorTakeoverMs} ms after its holder died`);
    const granted = await waitUntil('the change announced by the new holder', () => {
      const posts = f.connector
        .messages(team.news)
        .filter((c) => c.method === 'POST' && /Johanna/.test(cardText(firstCard(c.body))));
      return posts.length ? posts : undefined;
    });
    // Nothing sent twice: no conversation got the same message (same text and cards) twice in this scenario.
    const since = f.connector.calls.slice(callsBefore).filter((c) => c.method === 'POST' && c.body.type === 'message');
    const seen = new Map<string, number>();
    for (const c of since) {
      const key = `${c.conversationId} ${JSON.stringify([c.body.text, c.body.attachments])}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    assert.deepEqual(
      [...seen.values()].filter((n) => n > 1),
      [],
      'no message posted twice',
    );
    assert.equal(granted.length, 1, 'the change announced once');
    console.log(`      takeover: outbox lane ${outboxTakeoverMs} ms, monitor ${monitorTakeoverMs} ms after the kill`);
  });

  it('(5) 200 makers filing at once through the proxy: every request stored once, every receipt sent, ids unique', async () => {
    const f = fleet;
    const makers = range(200).map((n) => seededMaker(31 + n));
    const statuses = await Promise.all(
      makers.map((m) => f.teams.personal(m, 'request maker role in Marketing Sandbox').then((r) => r.status)),
    );
    assert.deepEqual(
      new Set(statuses),
      new Set([200]),
      JSON.stringify(f.proxy.answers.filter((a) => a.status !== 200)),
    );
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

/** The monitor lease's holder and token, read from the database. */
async function monitorLease(url: string): Promise<{ holder: string; token: number } | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT holder, token FROM leases WHERE name = 'monitor' AND lease_until <> ''",
    );
    return rows[0] as { holder: string; token: number } | undefined;
  } finally {
    await client.end();
  }
}

/** An admin changes the tenant outside the bot: the maker role for a user, through the BAP API itself. */
async function grantOutsideTheBot(f: Fleet, environmentId: string, userId: string): Promise<void> {
  const scope = `/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/${environmentId}`;
  const res = await fetch(`${f.simulator.url}/bap${scope}/modifyRoleAssignments?api-version=2021-04-01`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${issueTestToken('https://service.powerapps.com')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      add: [
        {
          properties: {
            roleDefinition: { id: `${scope}/roleDefinitions/EnvironmentMaker` },
            principal: { id: userId, type: 'User' },
          },
        },
      ],
    }),
  });
  assert.equal(res.status, 200, await res.text());
}

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
    const submit = actionsOf(firstCard(reply)).find((a) => /submit|confirm|file/i.test(a.verb ?? ''));
    if (submit?.verb) {
      const res = await f.teams.invoke(users.alex, submit.verb, submit.data, {
        conversationId: f.teams.personalConversationId(users.alex),
      });
      assert.equal(res.status, 200);
    }
  }
}
