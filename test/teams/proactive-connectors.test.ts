// Proactive turns (every outbox send) reuse the connector and user-token clients botbuilder would otherwise build for
// each one; other turns' clients are left to the next in line (turn-connectors.ts, test/teams/turn-connectors.test.ts).
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/config.js';
import { createAdapter } from '../../src/teams/adapter.js';
import { reuseProactiveConnectors } from '../../src/teams/proactive-connectors.js';

describe('Proactive connector clients', () => {
  const adapter = createAdapter(parseConfig({}));
  /** The clients a proactive turn to this service URL is given. */
  const clientsFor = async (serviceUrl: string) => {
    let clients: { connector: unknown; userToken: unknown } | undefined;
    const reference = { serviceUrl, channelId: 'msteams', conversation: { id: 'a:1', isGroup: false, name: '' } };
    await adapter.continueConversationAsync('', reference as never, async (context) => {
      clients = {
        connector: context.turnState.get(context.adapter.ConnectorClientKey),
        userToken: context.turnState.get(adapter.UserTokenClientKey),
      };
    });
    assert.ok(clients?.connector && clients.userToken, 'a proactive turn has both clients');
    return clients;
  };

  it('gives every proactive turn to one service URL the same clients', async () => {
    const first = await clientsFor('http://127.0.0.1:3978/');
    const second = await clientsFor('http://127.0.0.1:3978/');
    assert.equal(second.connector, first.connector);
    assert.equal(second.userToken, first.userToken);
  });

  it('gives another service URL a connector client of its own', async () => {
    const other = await clientsFor('http://127.0.0.1:3979/');
    assert.notEqual(other.connector, (await clientsFor('http://127.0.0.1:3978/')).connector);
  });

  it('leaves the user-token client of a turn that is not proactive to the next in line (a new one each time)', async () => {
    let made = 0;
    const auth = {
      createConnectorFactory: () => ({ create: async () => ({}) }),
      createUserTokenClient: async (_claims: unknown) => ({ made: made++ }),
    };
    reuseProactiveConnectors(auth as never);
    // An identity no proactive turn asked a connector for (an incoming turn's: a fresh object per request).
    const incoming = () => ({ claims: [] }) as never;
    assert.notEqual(await auth.createUserTokenClient(incoming()), await auth.createUserTokenClient(incoming()));
  });
});
