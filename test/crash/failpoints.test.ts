// The failpoint mechanism itself, in a child process: an armed point kills the process by SIGKILL on the chosen
// hit, after logging its name; an unarmed point does nothing; an unknown name is refused at start.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** Runs a script that reaches outbox.before-send three times, printing after each. */
function run(armed: string, log: string) {
  const script = `
    import { failpoint } from './src/failpoints.ts';
    for (let i = 1; i <= 3; i++) { failpoint('outbox.before-send'); console.log('after hit ' + i); }`;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', GOVBOT_FAILPOINTS: armed, GOVBOT_FAILPOINT_LOG: log },
  });
}

describe('failpoints (src/failpoints.ts)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'govbot-failpoints-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('an armed point kills the process by SIGKILL at its first hit, after logging its name', () => {
    const log = join(dir, 'hits');
    const result = run('outbox.before-send', log);
    assert.equal(result.signal, 'SIGKILL', result.stderr);
    assert.equal(result.stdout, '', 'not one line ran after the point');
    assert.equal(readFileSync(log, 'utf8'), 'outbox.before-send\n');
  });

  it('name@N dies at the Nth hit and logs every hit before it', () => {
    const log = join(dir, 'hits');
    const result = run('monitor.before-commit,outbox.before-send@2', log);
    assert.equal(result.signal, 'SIGKILL', result.stderr);
    assert.equal(result.stdout, 'after hit 1\n');
    assert.equal(readFileSync(log, 'utf8'), 'outbox.before-send\noutbox.before-send\n');
  });

  it('name:stop freezes the process at the point until SIGCONT, then it carries on', async () => {
    const log = join(dir, 'hits');
    const script = `
      import { failpoint } from './src/failpoints.ts';
      for (let i = 1; i <= 2; i++) { failpoint('outbox.before-send'); console.log('after hit ' + i); }`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', GOVBOT_FAILPOINTS: 'outbox.before-send:stop', GOVBOT_FAILPOINT_LOG: log },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const state = () => readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.[0];
    for (let i = 0; i < 200 && state() !== 'T'; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(state(), 'T', 'stopped');
    assert.equal(out, '', 'not one line ran after the point');
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGCONT');
    assert.equal(await exited, 0);
    assert.equal(out, 'after hit 1\nafter hit 2\n', 'only the first hit stops');
    assert.equal(readFileSync(log, 'utf8'), 'outbox.before-send\noutbox.before-send\n');
  });

  it('an unarmed point does nothing', () => {
    const result = run('', join(dir, 'hits'));
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'after hit 1\nafter hit 2\nafter hit 3\n');
  });

  it('an unknown name is refused, so a typo cannot leave a crash test crashing nowhere', () => {
    const result = run('outbox.before-sned', join(dir, 'hits'));
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /unknown failpoint "outbox\.before-sned"/);
  });
});
