// Real crashes at chosen points. Each test runs the bot as a child process (src/index.ts, as `npm start` does)
// against a simulated tenant and a Bot Connector double that live in this process and outlive it, arms ONE
// failpoint (src/failpoints.ts) so the process SIGKILLs itself right there, checks it died at that point, starts
// it again on the same data directory, and asserts on the tenant's state and on what the connector double saw.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/config.js';
import type { FailpointName } from '../../src/failpoints.js';
import { SNAPSHOT_KEY } from '../../src/monitor/monitor.js';
import type { Store } from '../../src/requests/ports/store.js';
import { openSqliteStore } from '../../src/storage/sqlite-store.js';
import { createTenantAdmin } from '../../src/tenant/live/create-live-tenant-admin.js';
import { type RunningSimulator, startSimulator } from '../../src/tenant/simulator/server.js';
import { approveInChannel, setUpChannels, type TeamsClient, teamsClient } from '../support/bot-harness.js';
import { type BotProcess, diedAt, failpointHits, startBotProcess } from '../support/bot-process.js';
import { type ConnectorCall, ConnectorDouble, cardText, firstCard } from '../support/connector-double.js';
import { envs, team, users } from '../support/fixture-ids.js';

describe('crashes at failpoints (the bot as a child process, killed by SIGKILL)', function () {
  this.timeout(400_000);
  let sim: RunningSimulator;
  let connector: ConnectorDouble;
  let dataDir: string;
  let hitLog: string;
  let running: BotProcess[] = [];

  beforeEach(async () => {
    sim = await startSimulator({ port: 0, retryAfterSeconds: 0, lroPollsToComplete: 2 });
    connector = new ConnectorDouble();
    await connector.start();
    dataDir = mkdtempSync(join(tmpdir(), 'govbot-crash-'));
    hitLog = join(dataDir, 'failpoint-hits.log');
  });
  afterEach(async () => {
    for (const b of running.splice(0)) await b.stop();
    await sim.close();
    await connector.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Starts the bot process on the shared data directory, with the given failpoint armed. */
  const boot = async (failpoint?: FailpointName): Promise<{ bot: BotProcess; teams: TeamsClient }> => {
    const bot = await startBotProcess({
      dataDir,
      simulatorUrl: sim.url,
      failpoints: failpoint ? [failpoint] : [],
      failpointLog: hitLog,
    });
    running.push(bot);
    return { bot, teams: teamsClient(bot.url, connector) };
  };
  /** Stops every running bot process cleanly (SIGTERM). */
  const stopAll = async () => {
    for (const b of running.splice(0)) await b.stop();
  };
  /** Opens the data directory the way the bot does, once no bot process runs. */
  const withStore = async <T>(fn: (store: Store) => Promise<T>): Promise<T> => {
    assert.equal(running.length, 0, 'stop the bot processes before reading their database');
    const store = await openSqliteStore({ dataDir });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };
  const roleWrites = () =>
    sim.state.requests.filter((r) => r.method === 'POST' && r.path.includes('modifyRoleAssignments')).length;
  const tenant = () => createTenantAdmin(parseConfig({ TENANT_MODE: 'simulated' }), { simulatorUrl: sim.url });
  const alexIsMaker = async () => {
    const t = tenant();
    const env = await t.getEnvironment(envs.marketingSandbox);
    assert.ok(env);
    return t.hasEnvironmentRole(env, users.alex.id, 'EnvironmentMaker');
  };
  const approvalPosts = () => connector.messages(team.approvals).filter((c) => c.method === 'POST');
  const isCompletedEdit = (c: ConnectorCall) =>
    c.method === 'PUT' && c.conversationId === team.approvals && /Completed/.test(cardText(firstCard(c.body)));

  /** Alex asks for the maker role in Marketing Sandbox and Megan approves it on the card in the approvals channel. */
  const requestAndApprove = async (teams: TeamsClient) => {
    await setUpChannels(teams);
    const res = await teams.personal(users.alex, 'request maker role in Marketing Sandbox');
    assert.equal(res.status, 200);
    const card = await connector.waitFor(() => approvalPosts()[0], 30_000);
    const approved = await approveInChannel(teams, users.megan, card.id, { requestId: 'REQ-1001', revision: 0 });
    assert.equal(approved.status, 200);
  };

  describe('executing an approved grant', () => {
    it('dies right after the grant call (nothing stored about it): the restart finishes it without granting again', async () => {
      const first = await boot('execution.after-grant');
      await requestAndApprove(first.teams);
      await diedAt(first.bot, hitLog, 'execution.after-grant');
      running = [];
      assert.equal(roleWrites(), 1, 'the grant reached the tenant before the crash');
      assert.equal(connector.calls.filter(isCompletedEdit).length, 0);

      await boot();
      // The dead worker's job is taken over once its lease (2 s here) runs out.
      await connector.waitFor((calls) => calls.find(isCompletedEdit), 60_000);
      await stopAll();
      assert.equal(roleWrites(), 1, 'granted exactly once across both processes');
      assert.equal(await alexIsMaker(), true);
      await withStore(async (store) => {
        const request = await store.requests.get('REQ-1001');
        assert.equal(request?.status, 'completed');
        // The checkpoint stored before the grant says Alex did not hold the role: a revert will take it back.
        assert.equal(request?.execution.result?.alreadyHeld, false);
        const actions = (await store.audit.list({ requestId: 'REQ-1001' })).map((a) => a.action);
        assert.ok(actions.includes('execution.resumed'), actions.join(', '));
        assert.equal(actions.filter((a) => a === 'execution.completed').length, 1);
      });
    });

    it('dies before the completion commits: the restart sees the role, records completion once, grants nothing more', async () => {
      const first = await boot('execution.before-completion-commit');
      await requestAndApprove(first.teams);
      await diedAt(first.bot, hitLog, 'execution.before-completion-commit');
      running = [];
      assert.equal(roleWrites(), 1);
      assert.equal(connector.calls.filter(isCompletedEdit).length, 0, 'the completion was never committed');

      await boot();
      await connector.waitFor((calls) => calls.find(isCompletedEdit), 60_000);
      // Alex's chat is another outbox lane than the channel's: its news may go out a moment after the channel edit.
      const toldAlex = () =>
        connector
          .messages(`a:personal-${users.alex.id}`)
          .filter((c) => /completed|done|granted/i.test(cardText(firstCard(c.body)) || String(c.body.text ?? '')));
      await connector.waitFor(() => toldAlex()[0], 30_000).catch(() => undefined);
      await stopAll();
      assert.equal(roleWrites(), 1, 'the resumed run found the role and did not write again');
      assert.equal(await alexIsMaker(), true);
      await withStore(async (store) => {
        const request = await store.requests.get('REQ-1001');
        assert.equal(request?.status, 'completed');
        assert.equal(request?.execution.result?.alreadyHeld, false, 'held because of this request, not before it');
        const completed = await store.audit.list({ requestId: 'REQ-1001', action: 'execution.completed' });
        assert.equal(completed.length, 1);
      });
      // Alex is told that it is done.
      assert.ok(toldAlex().length >= 1, connector.describe());
    });

    it('dies before the first progress checkpoint commits: the restart runs the grant from the start, once', async () => {
      const first = await boot('execution.before-checkpoint-commit');
      await requestAndApprove(first.teams);
      await diedAt(first.bot, hitLog, 'execution.before-checkpoint-commit');
      running = [];
      assert.equal(roleWrites(), 0, 'it died before the grant');

      await boot();
      await connector.waitFor((calls) => calls.find(isCompletedEdit), 60_000);
      await stopAll();
      assert.equal(roleWrites(), 1);
      assert.equal(await alexIsMaker(), true);
    });
  });

  describe('filing a request', () => {
    it('dies after the request is stored, before the reply: the request is kept, approvers get it once, asking again finds it', async () => {
      const first = await boot('intake.after-filed-before-receipt');
      await setUpChannels(first.teams);
      const alexChat = `a:personal-${users.alex.id}`;
      await first.teams.personal(users.alex, 'request maker role in Marketing Sandbox').catch(() => undefined);
      await diedAt(first.bot, hitLog, 'intake.after-filed-before-receipt');
      running = [];
      assert.equal(connector.messages(alexChat).length, 0, 'no reply went out');

      const second = await boot();
      // The approval card was committed with the request: it reaches the approvers after the restart.
      await connector.waitFor(() => approvalPosts()[0], 30_000);
      const replies = await second.teams.say(users.alex, 'request maker role in Marketing Sandbox');
      assert.match(cardText(firstCard(replies[0] ?? {})), /You already asked for this: REQ-1001 is pending/);
      await stopAll();
      assert.equal(approvalPosts().length, 1, connector.describe());
      await withStore(async (store) => {
        assert.equal((await store.requests.list({})).length, 1);
        assert.equal((await store.requests.get('REQ-1001'))?.status, 'pending');
        assert.equal((await store.audit.list({ requestId: 'REQ-1001', action: 'request.created' })).length, 1);
      });
    });
  });

  describe('delivering through the outbox', () => {
    it('dies before the Bot Connector is called: after the restart the card is posted exactly once', async () => {
      const setup = await boot();
      await setUpChannels(setup.teams);
      await stopAll();
      const first = await boot('outbox.before-send');
      // The outbox may run (and the process die) before the turn's own answer: the POST may fail.
      await first.teams.personal(users.alex, 'request maker role in Marketing Sandbox').catch(() => undefined);
      await diedAt(first.bot, hitLog, 'outbox.before-send');
      running = [];
      assert.equal(approvalPosts().length, 0, 'nothing reached Teams');

      await boot();
      await connector.waitFor(() => approvalPosts()[0], 30_000);
      await new Promise((r) => setTimeout(r, 1500)); // a few more outbox polls: nothing else may go out
      await stopAll();
      assert.equal(approvalPosts().length, 1, connector.describe());
      await withStore(async (store) => {
        const pending = await store.outbox.list({ status: 'pending' });
        assert.deepEqual(
          pending.map((m) => m.conversationKey).filter((k) => k.includes(team.approvals)),
          [],
        );
        assert.deepEqual(
          (await store.outbox.list()).filter((m) => m.inFlightAt !== undefined),
          [],
          'no in-flight mark left',
        );
      });
    });

    it('dies after Teams accepted the post, before "sent" is stored: the restart re-sends it once (at least once, by design)', async () => {
      const setup = await boot();
      await setUpChannels(setup.teams);
      await stopAll();
      const first = await boot('outbox.after-send-before-sent');
      // The outbox may run (and the process die) before the turn's own answer: the POST may fail.
      await first.teams.personal(users.alex, 'request maker role in Marketing Sandbox').catch(() => undefined);
      await diedAt(first.bot, hitLog, 'outbox.after-send-before-sent');
      running = [];
      assert.equal(approvalPosts().length, 1, 'Teams got the post before the crash');

      await boot();
      await connector.waitFor(() => approvalPosts()[1], 30_000);
      await new Promise((r) => setTimeout(r, 1500));
      await stopAll();
      // The documented 'resend' choice: the unknown outcome is re-sent (nothing lost), never a third time.
      const posts = approvalPosts();
      assert.equal(posts.length, 2, connector.describe());
      assert.equal(cardText(firstCard(posts[1]?.body ?? {})), cardText(firstCard(posts[0]?.body ?? {})));
      await withStore(async (store) => {
        assert.deepEqual(
          (await store.outbox.list()).filter((m) => m.inFlightAt !== undefined),
          [],
          'no in-flight mark left',
        );
        const sent = await store.outbox.list({ status: 'sent' });
        assert.ok(sent.some((m) => m.activityId === posts[1]?.id));
      });
    });
  });

  describe('the governance monitor', () => {
    const addNotion = () =>
      sim.state.connectors.push({
        id: '/providers/Microsoft.PowerApps/apis/shared_notion',
        name: 'shared_notion',
        displayName: 'Notion',
        tier: 'Premium',
        publisher: 'Notion Labs',
        unblockable: false,
      });
    const notionPosts = () =>
      connector
        .messages(team.news)
        .filter((c) => c.method === 'POST' && /Notion/.test(cardText(firstCard(c.body)) || String(c.body.text)));
    const snapshotStored = async () => withStore(async (store) => (await store.kv.get(SNAPSHOT_KEY)) !== undefined);

    it('dies before the baseline and before a commit: the baseline is taken again, a change is posted exactly once', async () => {
      // 1. The first poll (at start) dies before its baseline is stored.
      const first = await boot('monitor.before-baseline-commit');
      await diedAt(first.bot, hitLog, 'monitor.before-baseline-commit');
      running = [];
      assert.equal(await snapshotStored(), false);

      // 2. A clean start takes the baseline; an admin sets the notifications channel.
      const second = await boot();
      await setUpChannels(second.teams, ['notifications']);
      await stopAll();
      assert.equal(await snapshotStored(), true, 'the restart took the baseline');

      // 3. Notion appears while the bot is down; the next start detects it and dies before committing.
      addNotion();
      const third = await boot('monitor.before-commit');
      await diedAt(third.bot, hitLog, 'monitor.before-commit');
      running = [];
      assert.equal(notionPosts().length, 0, 'the post was never committed, so never sent');

      // 4. The next start detects it again and posts it, once.
      await boot();
      await connector.waitFor(() => notionPosts()[0], 30_000);
      await new Promise((r) => setTimeout(r, 1500));
      await stopAll();
      assert.equal(notionPosts().length, 1, connector.describe());
      assert.deepEqual(failpointHits(hitLog), ['monitor.before-baseline-commit', 'monitor.before-commit']);
    });
  });
});
