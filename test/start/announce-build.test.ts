// npm start builds first (tsc -b): a newcomer's first start compiles for half a minute, so prestart says so before
// building; a start with nothing changed since the last build stays quiet. The script runs as npm runs it (in the
// package's directory), here on a small tree of its own.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/project-root.js';

const SCRIPT = join(projectRoot(), 'scripts', 'announce-build.mjs');
const ANNOUNCED = 'Building the bot (first start compiles TypeScript, about 30 s)…';

describe('npm start: the build is announced when it will compile', () => {
  let dir: string;
  const run = () => execFileSync(process.execPath, [SCRIPT], { cwd: dir, encoding: 'utf8' }).trim();
  const write = (path: string, text: string, seconds: number) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
    utimesSync(join(dir, path), seconds, seconds);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'announce-build-'));
    write('tsconfig.json', '{}', 1000);
    write('tsconfig.build.json', '{}', 1000);
    write('src/index.ts', 'export {};', 1000);
    write('src/teams/server.ts', 'export {};', 1000);
    write('scripts/bench.ts', 'export {};', 1000);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs before tsc -b in prestart', () => {
    const scripts = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')).scripts;
    assert.equal(scripts.prestart, 'node scripts/announce-build.mjs && tsc -b tsconfig.build.json');
  });

  it('says the bot is being built on a first start (no dist/)', () => {
    assert.equal(run(), ANNOUNCED);
  });

  it('stays quiet when nothing changed since the last build', () => {
    write('dist/src/index.js', '', 2000);
    write('dist/tsconfig.build.tsbuildinfo', '{}', 2000);
    assert.equal(run(), '');
  });

  it('says so when a source file, a script or the compiler settings changed after the last build', () => {
    write('dist/src/index.js', '', 2000);
    write('dist/tsconfig.build.tsbuildinfo', '{}', 2000);
    for (const changed of ['src/teams/server.ts', 'scripts/bench.ts', 'tsconfig.json']) {
      utimesSync(join(dir, changed), 3000, 3000);
      assert.equal(run(), ANNOUNCED, changed);
      utimesSync(join(dir, changed), 1000, 1000);
    }
    write('src/notes.md', '', 3000); // not compiled
    assert.equal(run(), '');
  });
});
