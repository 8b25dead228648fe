import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, isProduction, parseConfig } from '../../src/config/config.js';
import { readEnvFiles } from '../../src/config/load-env.js';

describe('config', () => {
  it('runs on embedded defaults: simulated tenant, ports 3978/3979, ./.data, the fixture approver group', () => {
    const config = parseConfig({});
    assert.equal(config.TENANT_MODE, 'simulated');
    assert.equal(config.PORT, 3978);
    assert.equal(config.TENANT_SIMULATOR_PORT, 3979);
    assert.equal(config.DATA_DIR, './.data');
    assert.equal(config.APPROVER_GROUP_ID, 'ed47e9ca-3c8d-5ba5-959b-7689aba891a8');
    assert.equal(isProduction(config), false);
    assert.ok(Object.isFrozen(config));
  });

  it('reports every problem at once, by variable name', () => {
    try {
      parseConfig({ TENANT_MODE: 'live', PORT: 'abc', APPROVER_GROUP_ID: 'not-a-guid', BOT_ID: 'x' });
      assert.fail('should throw');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      const text = error.problems.join('\n');
      for (const name of [
        'PORT',
        'APPROVER_GROUP_ID',
        'AAD_CLIENT_ID',
        'AAD_CLIENT_SECRET',
        'BOT_PASSWORD',
        'BOT_TENANT_ID',
      ]) {
        assert.match(text, new RegExp(`^${name}:`, 'm'), name);
      }
    }
  });

  it('rejects an unknown tenant mode', () => {
    assert.throws(() => parseConfig({ TENANT_MODE: 'mock' }), /TENANT_MODE/);
  });

  it('reads env/.env.<name> then the git-ignored .user file on top', () => {
    const dir = mkdtempSync(join(tmpdir(), 'govbot-env-'));
    writeFileSync(join(dir, '.env.dev'), 'PORT=4000\nBOT_ID=abc\n');
    writeFileSync(join(dir, '.env.dev.user'), 'BOT_PASSWORD=secret\nPORT=4001\n');
    const vars = readEnvFiles('dev', dir);
    assert.equal(vars.PORT, '4001');
    assert.equal(vars.BOT_ID, 'abc');
    assert.equal(vars.BOT_PASSWORD, 'secret');
  });

  it('the committed env files parse', () => {
    const local = parseConfig(readEnvFiles('local'));
    assert.equal(local.TENANT_MODE, 'simulated');
    // The dev template is intentionally incomplete: it must name what is missing, not crash.
    assert.throws(() => parseConfig(readEnvFiles('dev')), ConfigError);
  });

  it('without BOT_ID refuses a non-loopback address and a live tenant (issue 10.6)', () => {
    assert.doesNotThrow(() => parseConfig({ HOST: '127.0.0.1' }));
    assert.doesNotThrow(() => parseConfig({ HOST: '::1' }));
    assert.throws(() => parseConfig({ HOST: '0.0.0.0' }), /HOST: without BOT_ID/);
    assert.throws(() => parseConfig({ HOST: '10.1.2.3' }), /HOST: without BOT_ID/);
    assert.throws(
      () => parseConfig({ TENANT_MODE: 'live', AAD_CLIENT_ID: 'a', AAD_CLIENT_SECRET: 'b' }),
      /BOT_ID: required when TENANT_MODE=live/,
    );
    const registered = { BOT_ID: 'app', BOT_PASSWORD: 'p', BOT_TENANT_ID: 't', HOST: '0.0.0.0' };
    assert.equal(parseConfig(registered).HOST, '0.0.0.0');
  });

  it('never keeps the committed local activity-feed secret outside the simulated tenant (issue 10.6)', () => {
    const live = {
      TENANT_MODE: 'live',
      AAD_CLIENT_ID: 'a',
      AAD_CLIENT_SECRET: 'b',
      BOT_ID: 'app',
      BOT_PASSWORD: 'p',
      BOT_TENANT_ID: 't',
    };
    const local = readEnvFiles('local').ACTIVITY_FEED_AUTH_ID;
    assert.ok(local, 'the local env file has a committed value');
    assert.equal(parseConfig({ ...live, ACTIVITY_FEED_AUTH_ID: local }).ACTIVITY_FEED_AUTH_ID, undefined);
    assert.equal(parseConfig({ ACTIVITY_FEED_AUTH_ID: local }).ACTIVITY_FEED_AUTH_ID, local);
    const own = 'f3a9c1e0b2d84b7f9e6a5c4d3b2a1908';
    assert.equal(parseConfig({ ...live, ACTIVITY_FEED_AUTH_ID: own }).ACTIVITY_FEED_AUTH_ID, own);
  });
});
