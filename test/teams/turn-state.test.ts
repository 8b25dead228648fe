// teams-ai's turn state (conversation, user and temp scopes) is not kept between turns: no handler reads or writes
// it (what the bot remembers is in its store), so no storage is read and compared on every turn for it.
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/config.js';
import { createAdapter } from '../../src/teams/adapter.js';
import { createBotApplication } from '../../src/teams/bot.js';
import type { BotContext } from '../../src/teams/context.js';
import { TENANT_ID } from '../support/fixture-ids.js';

describe('teams: turn state', () => {
  it('the application is given no turn-state storage', () => {
    const config = parseConfig({ TENANT_ID, TENANT_MODE: 'simulated' });
    const bot = { config, store: {}, clock: () => new Date() } as unknown as BotContext;
    const app = createBotApplication(createAdapter(config), bot);
    assert.equal(app.options.storage, undefined);
  });
});
