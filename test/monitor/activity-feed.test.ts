// The Office 365 Management Activity webhook end to end: the simulated feed validates the bot's endpoint on
// subscription start, notifies it of a content blob, the bot fetches the blob over HTTP, keeps the Power
// Platform records and posts the interesting ones to the notifications channel through the outbox.
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/config.js';
import { createGovernanceFeed } from '../../src/monitor/wiring.js';
import { createManagementActivityClient } from '../../src/tenant/live/management-activity-client.js';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { cardText, firstCard } from '../support/connector-double.js';
import { TENANT_ID, team } from '../support/fixture-ids.js';
import { recordOutgoingRequests } from '../support/outgoing-requests.js';

const AUTH_ID = 'feed-secret-for-tests';

const dlpRecord = {
  Id: 'a1',
  RecordType: 187,
  CreationTime: '2025-03-03T08:15:00',
  Operation: 'UpdateDlpPolicy',
  UserId: 'pattif@contoso.onmicrosoft.com',
  Workload: 'PowerPlatform',
  PolicyDisplayName: 'Tenant baseline',
};
const appLaunch = {
  Id: 'a2',
  RecordType: 45,
  CreationTime: '2025-03-03T08:16:00',
  Operation: 'LaunchPowerApp',
  UserId: 'alexw@contoso.onmicrosoft.com',
  Workload: 'PowerApps',
};
const exchange = {
  Id: 'a3',
  RecordType: 2,
  CreationTime: '2025-03-03T08:17:00',
  Operation: 'Send',
  UserId: 'x@contoso.onmicrosoft.com',
  Workload: 'Exchange',
};

describe('activity feed webhook', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ env: { ACTIVITY_FEED_AUTH_ID: AUTH_ID } });
    // Set the channel through storage (the chat command is covered by the conversation tests).
    await h.bot.store.conversations.upsert({
      key: `channel:${team.news}`,
      reference: {
        serviceUrl: h.connector.url,
        channelId: 'msteams',
        bot: { id: '28:governance-bot', name: 'Governance' },
        conversation: { id: team.news, conversationType: 'channel', isGroup: true, tenantId: TENANT_ID },
      },
      updatedAt: new Date().toISOString(),
    });
    await h.bot.store.channels.set({
      kind: 'notifications',
      conversationKey: `channel:${team.news}`,
      setBy: 'test',
      setAt: new Date().toISOString(),
    });
  });
  afterEach(async () => {
    await h.stop();
  });

  const feedClient = () =>
    createManagementActivityClient(parseConfig({ TENANT_MODE: 'simulated', TENANT_ID }), {
      simulatorUrl: h.bot.simulatorUrl,
      sleep: async () => undefined,
    });
  const feed = () => h.bot.simulator!.state.activityFeed;

  it('answers the validation handshake, then turns a DLP change into a notification, once', async () => {
    const subscription = await feedClient().startSubscription('Audit.General', {
      address: `${h.bot.url}/api/activity-feed`,
      authId: AUTH_ID,
    });
    assert.equal(subscription.status, 'enabled');
    assert.equal(subscription.webhook?.address, `${h.bot.url}/api/activity-feed`);
    assert.deepEqual(
      feed().deliveries.map((d) => d.status),
      [200],
      'the validation call got 200',
    );

    const { contentId, status } = await feed().publish([dlpRecord, appLaunch, exchange]);
    assert.equal(status, 200);
    assert.deepEqual(
      h.bot.activityFeed.last && { blobs: h.bot.activityFeed.last.blobs, records: h.bot.activityFeed.last.records },
      { blobs: 1, records: 3 },
    );
    await h.settle();
    const posts = h.connector.messages(team.news).filter((c) => c.method === 'POST');
    // Names from the feed are shown as text, never as links: an invisible word joiner breaks the address for autolinkers.
    const card = posts
      .map((p) => cardText(firstCard(p.body)).replace(/\u2060/g, ''))
      .find((t) => /admin activit/.test(t));
    assert.ok(card, h.connector.describe());
    assert.match(card, /^1 admin activity\n/);
    assert.match(
      card,
      /DLP policy "Tenant baseline" update dlp policy by pattif@contoso\.onmicrosoft\.com in the admin center/,
    );
    assert.doesNotMatch(card, /LaunchPowerApp|launch power app|Send/);

    // The feed delivers the same notification again (it retries until it sees 200): nothing is posted twice.
    const again = await fetch(`${h.bot.url}/api/activity-feed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Webhook-AuthID': AUTH_ID },
      body: JSON.stringify([feed().notification(contentId)]),
    });
    assert.equal(again.status, 200);
    assert.equal(h.bot.activityFeed.last?.duplicates, 1);
    await h.settle();
    assert.equal(h.connector.messages(team.news).filter((c) => c.method === 'POST').length, posts.length);
  });

  it('subscribes once: a restart lists the subscription and does not start it again (AF429 within 15 minutes)', async () => {
    const config = parseConfig({ TENANT_MODE: 'simulated', TENANT_ID, ACTIVITY_FEED_AUTH_ID: AUTH_ID });
    const boot = () =>
      createGovernanceFeed(config, {
        store: h.bot.store,
        tenant: h.bot.tenant,
        clock: () => new Date(),
        simulatorUrl: h.bot.simulatorUrl,
        sleep: async () => undefined,
      });
    const address = `${h.bot.url}/api/activity-feed`;
    assert.equal(await boot().subscribe(address), true);
    assert.equal(await boot().subscribe(address), true, 'the second boot does not fail');
    const starts = h.bot.simulator!.state.requests.filter((r) => r.path.endsWith('/subscriptions/start'));
    assert.deepEqual(
      starts.map((r) => r.status),
      [200],
      'started once',
    );
    // The simulated feed refuses a second start within 15 minutes, as the reference warns.
    await assert.rejects(
      feedClient().startSubscription('Audit.General', { address, authId: AUTH_ID }),
      /AF429|Too many/,
    );
  });

  it('refuses a webhook registration whose auth id does not match (validation answered 401)', async () => {
    await assert.rejects(
      feedClient().startSubscription('Audit.General', { address: `${h.bot.url}/api/activity-feed`, authId: 'wrong' }),
      /could not be validated/,
    );
    assert.deepEqual(
      feed().deliveries.map((d) => d.status),
      [401],
    );
  });

  it('refuses notifications without the right Webhook-AuthID and content from another host', async () => {
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${h.bot.url}/api/activity-feed`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const forged = [{ contentId: 'x', contentType: 'Audit.General', contentUri: 'https://evil.example/steal' }];
    assert.equal((await post({}, forged)).status, 401);
    assert.equal((await post({ 'Webhook-AuthID': 'nope' }, forged)).status, 401);
    assert.equal((await post({ 'Webhook-AuthID': AUTH_ID }, { not: 'an array' })).status, 400);
    const outgoing = recordOutgoingRequests();
    let status: number;
    try {
      status = (await post({ 'Webhook-AuthID': AUTH_ID }, forged)).status;
    } finally {
      outgoing.stop();
    }
    // The forged address was never called (and so never handed a token): nothing left for evil.example.
    assert.ok(outgoing.sent.length > 0, "the recorder saw the test's own call to the bot");
    assert.deepEqual(
      outgoing.sent.filter((r) => r.includes('evil.example')),
      [],
    );
    assert.equal(status, 400);
  });
});
