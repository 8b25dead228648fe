// A reply that cannot be delivered (the serviceUrl does not answer) is logged by the bot; the apology that
// also cannot be delivered must not turn the turn into an HTTP 500 that echoes the internal error to the caller.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { TENANT_ID, users } from '../support/fixture-ids.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a reply the Bot Connector cannot take', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  it('answers 200 without the internal error when neither the reply nor the apology can be sent', async () => {
    const res = await h.post({
      type: 'message',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: `http://127.0.0.1:${await closedPort()}/`,
      recipient: { id: '28:governance-bot', name: 'Governance' },
      from: { id: `29:${users.adele.id}`, name: users.adele.name, aadObjectId: users.adele.id },
      conversation: { id: `a:personal-${users.adele.id}`, conversationType: 'personal', tenantId: TENANT_ID },
      channelData: { tenant: { id: TENANT_ID } },
      text: 'help',
    });
    const body = await res.text();
    assert.equal(res.status, 200, body);
    assert.doesNotMatch(body, /ECONNREFUSED|connect/i);
  });
});
