// In production mode (BOT_ID set) every request to /api/messages must carry a valid Bot Framework JWT.
import assert from 'node:assert/strict';
import dns from 'node:dns';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type Harness, startHarness } from '../support/bot-harness.js';
import { users } from '../support/fixture-ids.js';

/** A bot registration (BOT_ID): every activity must carry a token the SDK accepts. */
const registered = {
  BOT_ID: '11111111-2222-3333-4444-555555555555',
  BOT_PASSWORD: 'not-a-real-secret',
  BOT_TENANT_ID: '5ee02f6f-a6ba-5275-b785-41bc607c001c',
  HOST: '127.0.0.1',
};

describe('teams: authentication of /api/messages', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('refuses an unauthenticated activity when a bot registration is configured', async () => {
    h = await startHarness({
      env: registered,
    });
    const res = await h.personal(users.alex, 'help');
    assert.equal(res.status, 401);
    const forged = await h.post({
      type: 'message',
      id: 'x',
      serviceUrl: h.connector.url,
      from: { id: 'x', aadObjectId: users.megan.id },
      conversation: { id: 'c' },
      text: 'approve REQ-1001',
    });
    assert.equal(forged.status, 401);
    // Answered before the SDK (which would print a stack trace for it): a JSON error that says what is missing.
    assert.deepEqual(await forged.json(), {
      error: {
        code: 'Unauthorized',
        message: 'Every activity must carry a Bot Framework token (Authorization: Bearer).',
      },
    });
    assert.equal(h.connector.calls.length, 0);
  });

  it('reads no multipart upload before the token check: refused 401, no file left in the temp folder', async () => {
    h = await startHarness({
      env: registered,
    });
    // Over the 1 MB body limit, and of a size no other file in the temp folder has.
    const size = 2 * 1024 * 1024 + 4321;
    const uploads = () =>
      readdirSync(tmpdir()).filter((name) => {
        try {
          return name.startsWith('upload_') && statSync(join(tmpdir(), name)).size === size;
        } catch {
          return false; // removed meanwhile
        }
      });
    const before = uploads();
    const form = new FormData();
    form.append('type', 'message');
    form.append('file', new Blob([new Uint8Array(size)]), 'payload.bin');
    const res = await fetch(`${h.bot.url}/api/messages`, { method: 'POST', body: form });
    assert.equal(res.status, 401);
    assert.deepEqual(
      uploads().filter((name) => !before.includes(name)),
      [],
    );
    assert.equal(h.connector.calls.length, 0);
  });

  describe('a token the SDK refuses or cannot check', () => {
    // Well formed (RS256, a key id), so the SDK fetches Bot Framework's signing keys to check it.
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const jwt = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'no-such-key-id' })}.${b64({ aud: registered.BOT_ID, iss: 'https://api.botframework.com', exp: 4102444800 })}.c2lnbmF0dXJl`;
    let lines: string[];
    let stderr: string[];
    const realLookup = dns.lookup;
    const realWrite = process.stderr.write;

    beforeEach(async () => {
      lines = [];
      stderr = [];
      // No network: the key fetch fails as it does offline (getaddrinfo ENOTFOUND login.botframework.com).
      (dns as { lookup: unknown }).lookup = (host: string, ...rest: unknown[]) => {
        if (!host.endsWith('botframework.com')) return (realLookup as (...a: unknown[]) => void)(host, ...rest);
        const callback = rest.at(-1) as (e: Error) => void;
        process.nextTick(() =>
          callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })),
        );
      };
      const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
      h = await startHarness({ env: registered, log });
      process.stderr.write = ((chunk: string | Uint8Array) => {
        stderr.push(String(chunk));
        return true;
      }) as typeof process.stderr.write;
    });
    afterEach(() => {
      process.stderr.write = realWrite;
      (dns as { lookup: unknown }).lookup = realLookup;
    });

    const post = (authorization: string) =>
      fetch(`${h.bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({
          type: 'message',
          id: 'x',
          serviceUrl: h.connector.url,
          from: { id: 'x', aadObjectId: users.megan.id },
          conversation: { id: 'c' },
          text: 'approve REQ-1001',
        }),
      });
    const tokenLines = () => lines.filter((l) => /Bot Framework (token|keys)/.test(l));

    it('answers an invalid token 401 (JSON), with one log line that holds no token and no stack on stderr', async () => {
      const res = await post('Bearer garbage-token-text');
      process.stderr.write = realWrite;
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), {
        error: { code: 'Unauthorized', message: 'The Bot Framework token was not accepted.' },
      });
      assert.deepEqual(stderr, []);
      assert.equal(tokenLines().length, 1, lines.join(''));
      assert.doesNotMatch(tokenLines()[0] ?? '', /garbage-token-text/);
      assert.equal(h.connector.calls.length, 0);
    });

    it("answers 503 with a plain message when Bot Framework's signing keys cannot be fetched", async () => {
      const res = await post(`Bearer ${jwt}`);
      process.stderr.write = realWrite;
      assert.equal(res.status, 503);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'TokenCheckUnavailable');
      assert.doesNotMatch(body.error.message, /ENOTFOUND|getaddrinfo/);
      assert.deepEqual(stderr, []);
      assert.equal(tokenLines().length, 1, lines.join(''));
      assert.ok(!tokenLines()[0]?.includes(jwt));
      assert.equal(h.connector.calls.length, 0);
    });
  });

  it('accepts anonymous activities when no bot registration is configured (local, loopback only)', async () => {
    h = await startHarness();
    assert.match(h.bot.url, /^http:\/\/127\.0\.0\.1:/);
    const res = await h.personal(users.alex, 'help');
    assert.equal(res.status, 200);
  });
});
