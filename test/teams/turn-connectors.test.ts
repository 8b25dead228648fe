// Turns answering an incoming activity reuse the connector client botbuilder would otherwise build for each one, apart
// from the clients of proactive turns; every request is still authenticated.
import assert from 'node:assert/strict';
import type { Activity, TurnContext } from 'botbuilder';
import { parseConfig } from '../../src/config/config.js';
import { createAdapter } from '../../src/teams/adapter.js';

describe('Connector clients of incoming turns', () => {
  const adapter = createAdapter(parseConfig({}));
  const clientsOf = (context: TurnContext) => ({
    connector: context.turnState.get(context.adapter.ConnectorClientKey) as unknown,
    userToken: context.turnState.get(
      (adapter as unknown as { UserTokenClientKey: symbol }).UserTokenClientKey,
    ) as unknown,
  });
  /** The clients an incoming message turn from this service URL is given. */
  const clientsFor = async (serviceUrl: string) => {
    let clients: ReturnType<typeof clientsOf> | undefined;
    const activity = {
      type: 'message',
      id: 'act-1',
      text: 'hi',
      serviceUrl,
      channelId: 'msteams',
      from: { id: '29:user', aadObjectId: 'user' },
      recipient: { id: '28:bot' },
      conversation: { id: 'a:1', conversationType: 'personal' },
    } as unknown as Activity;
    await adapter.processActivityDirect('', activity, async (context) => {
      clients = clientsOf(context);
    });
    assert.ok(clients?.connector, 'an incoming turn has a connector client');
    return clients;
  };

  it('gives every incoming turn from one service URL the same clients', async () => {
    const first = await clientsFor('http://127.0.0.1:3978/');
    const second = await clientsFor('http://127.0.0.1:3978/');
    assert.equal(second.connector, first.connector);
    assert.ok(first.userToken);
    assert.equal(second.userToken, first.userToken);
  });

  it('gives another service URL, and proactive turns, clients of their own', async () => {
    const incoming = await clientsFor('http://127.0.0.1:3978/');
    assert.notEqual((await clientsFor('http://127.0.0.1:3979/')).connector, incoming.connector);
    let proactive: unknown;
    const reference = { serviceUrl: 'http://127.0.0.1:3978/', channelId: 'msteams', conversation: { id: 'a:1' } };
    await adapter.continueConversationAsync('', reference as never, async (context) => {
      proactive = clientsOf(context).connector;
    });
    assert.ok(proactive);
    assert.notEqual(proactive, incoming.connector);
  });

  it('still refuses a request whose token is not valid when the bot has an app id', async () => {
    const secured = createAdapter(
      parseConfig({
        BOT_ID: '00000000-0000-0000-0000-000000000001',
        BOT_PASSWORD: 'x',
        BOT_TENANT_ID: '00000000-0000-0000-0000-000000000002',
      }),
    );
    const activity = { type: 'message', serviceUrl: 'http://127.0.0.1:3978/', channelId: 'msteams' } as Activity;
    await assert.rejects(secured.processActivityDirect('Bearer not-a-token', activity, async () => undefined));
  });
});
