// Proactive turns (every outbox send) reuse the connector client botbuilder would otherwise build for each one.
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/config.js';
import { createAdapter } from '../../src/teams/adapter.js';

describe('Proactive connector clients', () => {
  const adapter = createAdapter(parseConfig({}));
  /** The connector client a proactive turn to this service URL is given. */
  const clientFor = async (serviceUrl: string) => {
    let client: unknown;
    const reference = { serviceUrl, channelId: 'msteams', conversation: { id: 'a:1', isGroup: false, name: '' } };
    await adapter.continueConversationAsync('', reference as never, async (context) => {
      client = context.turnState.get(context.adapter.ConnectorClientKey);
    });
    assert.ok(client, 'a proactive turn has a connector client');
    return client;
  };

  it('gives every proactive turn to one service URL the same client', async () => {
    const first = await clientFor('http://127.0.0.1:3978/');
    assert.equal(await clientFor('http://127.0.0.1:3978/'), first);
  });

  it('gives another service URL a client of its own', async () => {
    assert.notEqual(await clientFor('http://127.0.0.1:3979/'), await clientFor('http://127.0.0.1:3978/'));
  });
});
