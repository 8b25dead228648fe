// Twenty makers file at once, three rounds, while the previous round's approvals execute: the approvals channel is
// one conversation that Teams lets the bot write to a few times a second, so what the outbox sends there decides
// how soon new cards appear. Every approval card must reach the Bot Connector once, in order, each card's last edit
// showing its final state, no Teams window exceeded, and, while the channel's window is full, an edit that a newer
// queued edit of the same card replaces is not sent (an edit PUTs the whole card): an approval's execution edits
// its card seven times, and sent one by one those edits held the next round's cards back for minutes.
// Counts and order only; Teams' windows scaled down five times so the run is short.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { PacingLimits } from '../../src/outbox/rate-limiter.js';
import { projectRoot } from '../../src/project-root.js';
import { approveInChannel, type Harness, setUpChannels, startHarness, type User } from '../support/bot-harness.js';
import { type ConnectorCall, cardText, firstCard } from '../support/connector-double.js';
import { team, users } from '../support/fixture-ids.js';

const SCALE = 5;
/** Generous margin: the windows are checked on the connector's arrival times, on a busy 2-core machine. */
const MARGIN_MS = 250;
const LIMITS: PacingLimits = {
  perConversation: [
    { limit: 7, windowMs: 1_000 / SCALE },
    { limit: 8, windowMs: 2_000 / SCALE },
    { limit: 60, windowMs: 30_000 / SCALE },
    { limit: 1_800, windowMs: 3_600_000 / SCALE },
  ],
  perTenant: [{ limit: 30, windowMs: 1_000 / SCALE }],
};

const fixture = JSON.parse(readFileSync(`${projectRoot()}/fixtures/contoso-tenant.json`, 'utf8')) as {
  users: { id: string; displayName: string; accountEnabled: boolean }[];
};
const approvers: User[] = [users.megan, users.nestor, users.patti];
const makers: User[] = fixture.users
  .filter((u) => u.accountEnabled && !approvers.some((a) => a.id === u.id))
  .slice(0, 17)
  .map((u) => ({ id: u.id, name: u.displayName }));
const everyone: User[] = [...makers, ...approvers];
/** Environments a maker-role request needs one approval for (no production environment; no Developer one, which is its owner's own). */
const environments = ['Contoso Dev', 'Contoso Test', 'Finance Sandbox', 'Marketing Sandbox', 'Sales Trial'];

describe('outbox: 20 makers filing at once, three rounds, with approvals executing between them', function () {
  this.timeout(180_000);
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ kickWorkers: false, outboxPacing: { limits: LIMITS, marginMs: MARGIN_MS } });
    h.connector.enforceTeamsLimits = true;
    h.connector.conversationLimits = LIMITS.perConversation.map((w) => ({
      label: `${w.limit} per ${w.windowMs} ms`,
      max: w.limit,
      windowMs: w.windowMs,
    }));
  });
  afterEach(async () => {
    await h.stop();
  });

  const requestIdOf = (call: ConnectorCall) =>
    /REQ-\d+/.exec(cardText(firstCard(call.body)) || String(call.body.text ?? ''))?.[0];

  /** Per maker, three of the environments where they are not a maker yet (one request per round). */
  async function unaskedEnvironments(): Promise<Map<string, string[]>> {
    const envs = (await h.bot.tenant.listEnvironments()).filter((e) => environments.includes(e.displayName));
    const unasked = new Map<string, string[]>();
    for (const maker of everyone) {
      const free: string[] = [];
      for (const env of envs)
        if (!(await h.bot.tenant.hasEnvironmentRole(env, maker.id, 'EnvironmentMaker'))) free.push(env.displayName);
      assert.ok(free.length >= 3, `${maker.name} can ask for three environments`);
      unasked.set(maker.id, free);
    }
    return unasked;
  }

  async function fileAtOnce(round: number, unasked: Map<string, string[]>): Promise<string[]> {
    const filed = await Promise.all(
      everyone.map(async (maker) => {
        const env = unasked.get(maker.id)?.[round - 1];
        const res = await h.personal(maker, `I need the Environment Maker role in ${env} because of round ${round}`);
        assert.equal(res.status, 200);
        const requests = await h.bot.store.requests.list({ requesterId: maker.id });
        return requests.find((r) => r.justification?.includes(`round ${round}`));
      }),
    );
    for (const [i, r] of filed.entries()) {
      const chat = h.connector.messages(h.personalConversationId(everyone[i] as User));
      const reply = chat.at(-1)?.body ?? {};
      assert.equal(
        r?.status,
        'pending',
        `${everyone[i]?.name}, round ${round}: ${cardText(firstCard(reply)) || reply.text}`,
      );
    }
    return filed.map((r) => r?.id ?? '');
  }

  async function approveAtOnce(ids: string[]): Promise<void> {
    const posts = h.connector.messages(team.approvals).filter((c) => c.method === 'POST');
    await Promise.all(
      ids.map(async (id) => {
        const post = posts.find((c) => requestIdOf(c) === id);
        assert.ok(post, `approval card of ${id} posted`);
        const request = await h.bot.store.requests.get(id);
        const approver = approvers.find((a) => a.id !== request?.requester.id) as User;
        const actions = (firstCard(post.body)?.actions ?? []) as { verb?: string; data?: Record<string, unknown> }[];
        const data = actions.find((a) => a.verb === 'approve')?.data;
        assert.ok(data, `${id}: an approve button`);
        const res = await approveInChannel(h, approver, post.id, data);
        assert.equal(res.status, 200);
      }),
    );
    while ((await h.bot.jobs.tick()) > 0);
  }

  /** Runs the outbox until nothing is pending (a message waiting for its retry makes a drain return early). */
  async function deliverAll(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      await h.bot.outbox.drain();
      if ((await h.bot.store.outbox.list({ status: 'pending' })).length === 0) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('posts every card once, in order, with its final state, within the windows, without superseded edits', async () => {
    await setUpChannels(h);
    const unasked = await unaskedEnvironments();
    let previous: string[] = [];
    const all: string[] = [];
    for (let round = 1; round <= 3; round++) {
      // The previous round's approvals run first, so their card edits are queued ahead of the new cards.
      if (previous.length > 0) await approveAtOnce(previous);
      previous = await fileAtOnce(round, unasked);
      all.push(...previous);
      await deliverAll();
    }
    await approveAtOnce(previous);
    await deliverAll();

    assert.equal(all.length, 60);
    const channel = h.connector.messages(team.approvals).filter((c) => requestIdOf(c) !== undefined);
    const posts = channel.filter((c) => c.method === 'POST');
    // Every card reached the connector once, in the order the requests were filed (stored).
    assert.deepEqual(
      posts.map(requestIdOf),
      [...all].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))),
    );
    let edited = 0;
    for (const id of all) {
      const post = posts.find((c) => requestIdOf(c) === id) as ConnectorCall;
      const edits = channel.filter((c) => c.method === 'PUT' && c.activityId === post.id);
      edited += edits.length;
      const request = await h.bot.store.requests.get(id);
      assert.ok(request?.status === 'completed' || request?.status === 'failed', `${id} ${request?.status}`);
      const final = request.status === 'completed' ? 'Completed' : 'Failed';
      const last = edits.at(-1);
      assert.match(cardText(firstCard(last?.body ?? {})), new RegExp(`${id} · ${final}`));
      assert.ok(channel.indexOf(post) < channel.indexOf(edits[0] as ConnectorCall), `${id}: posted before edited`);
    }
    // Seven edits were queued per card (approved, started, four steps, the outcome): with the channel busy, each card
    // gets only its last; only a queue's tail, within one short window, may go out one by one. (Sent one by one:
    // 420 edits.)
    assert.ok(edited <= all.length + 7, `${edited} edits of ${all.length} cards`);
    // Each maker's chat, per request, in the order it was stored: the receipt (the turn's reply), its edits and
    // "approved", then the message that tells the outcome, after the receipt's last edit (stored with it).
    for (const maker of everyone) {
      const chat = h.connector.messages(h.personalConversationId(maker));
      const mine = all.filter((id) => chat.some((c) => requestIdOf(c) === id));
      assert.equal(mine.length, 3, maker.name);
      for (const id of mine) {
        const calls = chat.filter((c) => requestIdOf(c) === id);
        const story = `${maker.name} ${id}: ${calls.map((c) => `${c.method} ${cardText(firstCard(c.body)).slice(0, 50)}`).join(' | ')}`;
        const [receipt, ...rest] = calls;
        const outcome = rest.at(-1);
        assert.equal(receipt?.method, 'POST', story);
        assert.equal(outcome?.method, 'POST', story);
        assert.equal(
          rest.filter((c) => c.method === 'POST' && /was approved/.test(cardText(firstCard(c.body)))).length,
          1,
          story,
        );
        const edits = rest.filter((c) => c.method === 'PUT');
        assert.ok(edits.length >= 1, story);
        for (const edit of edits) assert.equal(edit.activityId, receipt?.id, story);
        const request = await h.bot.store.requests.get(id);
        const final = request?.status === 'completed' ? 'Completed' : 'Failed';
        assert.match(cardText(firstCard(edits.at(-1)?.body ?? {})), new RegExp(`${id} · ${final}`), story);
      }
    }
    assert.deepEqual(h.connector.throttled, [], 'no Teams window exceeded');
    assert.deepEqual(await h.bot.store.outbox.list({ status: 'pending' }), []);
    assert.deepEqual(await h.bot.store.outbox.list({ status: 'dead' }), []);
  });
});
