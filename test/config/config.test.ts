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
});
