// The Management Activity client against the simulated feed: content listings follow the NextPageUri header to
// the last page, and every call carries PublisherIdentifier (office-365-management-activity-api-reference).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import { parseConfig } from '../../../src/config/config.js';
import { createManagementActivityClient } from '../../../src/tenant/live/management-activity-client.js';
import { type RunningSimulator, startSimulator } from '../../../src/tenant/simulator/server.js';

const TENANT_ID = '5ee02f6f-a6ba-5275-b785-41bc607c001c';

describe('Management Activity client', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({ port: 0, retryAfterSeconds: 0 });
  });
  after(() => sim.close());

  const client = () =>
    createManagementActivityClient(parseConfig({ TENANT_MODE: 'simulated', TENANT_ID }), {
      simulatorUrl: sim.url,
      sleep: async () => undefined,
    });

  it('lists every content page, following NextPageUri until a response has none', async () => {
    const feed = sim.state.activityFeed;
    feed.contentPageSize = 2;
    await client().startSubscription('Audit.General');
    const published: string[] = [];
    for (let i = 0; i < 5; i++) published.push((await feed.publish([{ Id: `r${i}`, RecordType: 187 }])).contentId);

    const listed = await client().listContent('Audit.General');
    assert.deepEqual(
      listed.map((c) => c.contentId),
      published,
    );
    const pages = sim.state.requests.filter((r) => r.path.endsWith('/subscriptions/content'));
    assert.equal(pages.length, 3, 'three pages of at most two');
    assert.deepEqual(
      (await client().fetchContent(listed[4]!.contentUri)).map((r) => r.Id),
      ['r4'],
    );
  });

  it('sends PublisherIdentifier on every call, not only on start', async () => {
    await client().listSubscriptions();
    const calls = sim.state.requests.filter((r) => r.path.startsWith('/manage/'));
    assert.ok(calls.length >= 5, `calls: ${calls.length}`);
    for (const call of calls) {
      assert.equal(
        new URLSearchParams(call.query).get('PublisherIdentifier'),
        TENANT_ID,
        `${call.method} ${call.path}${call.query}`,
      );
    }
  });

  it('answers AF20020 for an invalid content type and AF20022 when nothing is subscribed', async () => {
    await assert.rejects(client().listContent('Audit.Nothing'), (e: unknown) => {
      assert.equal((e as { code?: string }).code, 'AF20020');
      return true;
    });
    await assert.rejects(client().listContent('DLP.All'), (e: unknown) => {
      assert.equal((e as { code?: string }).code, 'AF20022');
      return true;
    });
  });
});
