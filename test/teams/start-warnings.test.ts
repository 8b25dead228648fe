// Starting the bot prints no DEP0111 (restify's spdy reads process.binding('http_parser') twice while loading),
// and every other warning still reaches the console.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { projectRoot } from '../../src/project-root.js';

function stderrOf(script: string): string {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: projectRoot(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  return run.stderr;
}

describe('start-up warnings', function () {
  this.timeout(90_000);

  it('loading the HTTP server prints no DEP0111, but other warnings still print', () => {
    const stderr = stderrOf(
      "await import('./src/teams/server.ts'); process.emitWarning('kept', 'DeprecationWarning', 'DEP0999');",
    );
    assert.doesNotMatch(stderr, /DEP0111/);
    assert.match(stderr, /DEP0999\] DeprecationWarning: kept/);
  });
});
