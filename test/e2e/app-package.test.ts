// The Teams app package: the committed manifest validates against Microsoft's offline schema once filled,
// and every kind of mistake an admin can make in env/.env.<name> is reported, all at once.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { buildAppPackage, withCommandLists, zipFiles } from '../../scripts/app-package/build.js';
import type { BotCommand } from '../../scripts/app-package/command-lists.js';
import { commandListsFor } from '../../scripts/app-package/command-lists.js';
import { iconProblems } from '../../scripts/app-package/icons.js';
import { projectRoot } from '../../src/project-root.js';

const root = projectRoot();
const manifestDir = join(root, 'manifest');
const template = readFileSync(join(manifestDir, 'manifest.json'), 'utf8');

const sampleCommands: BotCommand[] = [
  { title: 'help', description: 'What I can do, with examples', scopes: ['personal', 'team', 'groupChat'] },
  { title: 'my requests', description: 'Your requests and where they stand', scopes: ['personal'] },
  { title: 'set approvals channel', description: 'Post approval cards in this channel', scopes: ['team'] },
];

const goodVars = {
  TEAMS_APP_ID: '6f1c2f0e-3f7a-4a59-9d0e-2b7f6c1d9a01',
  BOT_ID: '0b5e7c3a-1d2f-4e6a-8b9c-0d1e2f3a4b5c',
  BOT_DOMAIN: 'govbot.contoso.com',
  DEVELOPER_NAME: 'Contoso IT',
  DEVELOPER_WEBSITE_URL: 'https://contoso.com/it/power-platform',
  PRIVACY_URL: 'https://contoso.com/privacy',
  TERMS_OF_USE_URL: 'https://contoso.com/terms',
};

describe('Teams app package', () => {
  it('fills, validates and zips the committed manifest with its icons', async () => {
    const result = buildAppPackage({ template, manifestDir, vars: goodVars, commands: sampleCommands });
    assert.deepEqual(result.problems, []);
    const m = result.manifest as Record<string, any>;
    assert.equal(m.id, goodVars.TEAMS_APP_ID);
    assert.equal(m.bots[0].botId, goodVars.BOT_ID);
    assert.deepEqual(m.validDomains, ['govbot.contoso.com']);
    assert.deepEqual(m.bots[0].scopes, ['personal', 'team', 'groupChat']);
    assert.deepEqual(
      m.bots[0].commandLists.map((l: { scopes: string[] }) => l.scopes[0]),
      ['personal', 'team', 'groupChat'],
    );
    const zip = await JSZip.loadAsync(await zipFiles(result.files));
    assert.deepEqual(Object.keys(zip.files).sort(), ['color.png', 'manifest.json', 'outline.png']);
    const packed = JSON.parse(await zip.file('manifest.json')!.async('string'));
    assert.doesNotMatch(JSON.stringify(packed), /\$\{\{/);
  });

  it('lists every problem at once: empty and malformed values, bad ids, a URL as a domain', () => {
    const result = buildAppPackage({
      template,
      manifestDir,
      vars: { ...goodVars, BOT_ID: '', TEAMS_APP_ID: 'not-a-guid', PRIVACY_URL: 'http://contoso.com/privacy' },
      commands: sampleCommands,
    });
    const text = result.problems.join('\n');
    assert.match(text, /\$\{\{BOT_ID\}\} has no value/);
    assert.match(text, /PRIVACY_URL|privacyUrl/);
    assert.match(text, /schema 1\.19: \/id /);

    const domain = buildAppPackage({
      template,
      manifestDir,
      vars: { ...goodVars, BOT_DOMAIN: 'https://govbot.contoso.com/api' },
      commands: sampleCommands,
    });
    assert.match(
      domain.problems.join('\n'),
      /validDomains: "https:\/\/govbot\.contoso\.com\/api" is not a bare domain/,
    );
    const ids = buildAppPackage({
      template,
      manifestDir,
      vars: { ...goodVars, TEAMS_APP_ID: '1234' },
      commands: sampleCommands,
    });
    assert.match(ids.problems.join('\n'), /id: "1234" is not a GUID/);
  });

  it('refuses icons of the wrong size or an outline that is not white on transparent', () => {
    const opaque = new PNG({ width: 32, height: 32 });
    opaque.data.fill(255);
    const colouredOutline = new PNG({ width: 32, height: 32 });
    for (let i = 0; i < colouredOutline.data.length; i += 4) colouredOutline.data.set([255, 0, 0, i < 64 ? 0 : 255], i);
    const small = new PNG({ width: 96, height: 96 });
    assert.match(iconProblems('outline', 'o.png', PNG.sync.write(opaque)).join(), /no transparent pixels/);
    assert.match(iconProblems('outline', 'o.png', PNG.sync.write(colouredOutline)).join(), /not white/);
    assert.match(iconProblems('color', 'c.png', PNG.sync.write(small)).join(), /96×96; Teams needs 192×192/);
    assert.match(iconProblems('color', 'c.png', Buffer.from('nope')).join(), /not a readable PNG/);
    assert.deepEqual(iconProblems('color', 'color.png', readFileSync(join(manifestDir, 'color.png'))), []);
    assert.deepEqual(iconProblems('outline', 'outline.png', readFileSync(join(manifestDir, 'outline.png'))), []);
  });

  it('names a command list problem Teams would hide (more than 10 commands in a scope)', () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ title: `c${i}`, description: 'd', scopes: ['personal'] }));
    const result = buildAppPackage({ template, manifestDir, vars: goodVars, commands: many });
    assert.match(result.problems.join('\n'), /11 commands in scope personal/);
  });

  it('keeps the committed commandLists in step with the bot command list', async () => {
    const { botCommands } = await import('../../scripts/app-package/bot-commands.js');
    const commands = botCommands();
    assert.equal(withCommandLists(template, commands), template, 'run `npm run package -- --env dev` to regenerate');
    const lists = JSON.parse(template).bots[0].commandLists;
    assert.deepEqual(lists, commandListsFor(commands));
  });

  it('`npm run package` writes the zip when the env is complete and exits 1 listing problems when not', function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'govbot-package-'));
    try {
      const out = join(dir, 'app.zip');
      const run = (vars: Record<string, string>) =>
        spawnSync(process.execPath, ['--import', 'tsx', 'scripts/package.ts', '--env', 'no-such-env', '--out', out], {
          cwd: root,
          env: { ...process.env, ...vars },
          encoding: 'utf8',
        });
      const ok = run(goodVars);
      assert.equal(ok.status, 0, ok.stderr);
      assert.ok(existsSync(out));
      rmSync(out);
      const bad = run({ ...goodVars, BOT_ID: '', BOT_DOMAIN: '' });
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /BOT_ID/);
      assert.match(bad.stderr, /BOT_DOMAIN/);
      assert.equal(existsSync(out), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
