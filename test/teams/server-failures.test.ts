// Without a bot registration (local runs), an activity whose processing fails outside the application's own error
// handler is answered like one with a registration: 500 with a plain JSON error and one log line, never the error's
// text to the caller nor a stack trace on stderr (the SDK's process() printed and answered err.message).
import assert from 'node:assert/strict';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { parseConfig } from '../../src/config/config.js';
import { createAdapter } from '../../src/teams/adapter.js';
import { type BotServer, startBotServer } from '../../src/teams/server.js';
import { TENANT_ID, users } from '../support/fixture-ids.js';

describe('teams: a failure around the turn without a bot registration', () => {
  let server: BotServer | undefined;
  const realWrite = process.stderr.write;
  afterEach(async () => {
    process.stderr.write = realWrite;
    await server?.close();
  });

  it('is answered 500 with a plain JSON error and one log line, not the error text, nothing on stderr', async () => {
    const config = parseConfig({ TENANT_ID, TENANT_MODE: 'simulated' });
    const failing = {
      run: async () => {
        throw new Error('SQLITE_BUSY: database is locked at /var/lib/governance/secret.db');
      },
    } as unknown as Application<TurnState>;
    const warnings: string[] = [];
    server = await startBotServer(createAdapter(config), failing, {
      port: 0,
      host: '127.0.0.1',
      log: { warn: (_fields, message) => warnings.push(message) },
    });
    const stderr: string[] = [];
    process.stderr.write = ((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    const res = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: 'm1',
        channelId: 'msteams',
        serviceUrl: 'http://127.0.0.1:9/',
        from: { id: `29:${users.alex.id}`, aadObjectId: users.alex.id },
        recipient: { id: '28:bot' },
        conversation: { id: 'a:personal', conversationType: 'personal', tenantId: TENANT_ID },
        text: 'help',
      }),
    });
    const body = await res.text();
    process.stderr.write = realWrite;
    assert.equal(res.status, 500);
    assert.deepEqual(JSON.parse(body), {
      error: { code: 'InternalError', message: 'The bot could not process this activity.' },
    });
    assert.deepEqual(stderr, []);
    assert.deepEqual(warnings, ['activity failed before or after its turn']);
  });
});
