// Every regular expression that reads user text (all of src/intake and src/teams) is checked with recheck, a
// ReDoS checker: the automaton checker proves linear time where it can; where it gives up (look-arounds,
// very large automata) its fuzzer looks for a slow input. Anything not "safe" fails, with the attack string.
// Regexes built with new RegExp(...) are caught as they are constructed when the modules load; one built later
// (per call, possibly from user text) fails the test, as it could not be checked here.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scanRegexes, redosVerdict as verdict } from '../support/regex-scan.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FOLDERS = ['src/intake', 'src/teams'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Imports every module of the folders with the RegExp constructor watched; returns what was built. */
async function regexesBuiltAtLoad(): Promise<{ source: string; flags: string }[]> {
  const built: { source: string; flags: string }[] = [];
  const Original = globalThis.RegExp;
  const Watched = new Proxy(Original, {
    construct(target, args) {
      const r = Reflect.construct(target, args) as RegExp;
      built.push({ source: r.source, flags: r.flags });
      return r;
    },
  });
  globalThis.RegExp = Watched;
  try {
    for (const folder of FOLDERS)
      for (const file of tsFiles(join(ROOT, folder))) await import(`${pathToFileURL(file).href}?redos`);
  } finally {
    globalThis.RegExp = Original;
  }
  return built;
}

describe('security: no regular expression reading user text can freeze the bot (recheck)', function () {
  this.timeout(600_000);

  it('every RegExp constructor call in src/intake and src/teams is built from constants at load', async () => {
    const { constructions } = scanRegexes(ROOT, FOLDERS);
    const built = await regexesBuiltAtLoad();
    assert.ok(built.length >= constructions.length, `${constructions.length} constructions, ${built.length} built`);
  });

  it('every regex literal and constructed regex is linear', async () => {
    const { literals } = scanRegexes(ROOT, FOLDERS);
    const built = await regexesBuiltAtLoad();
    assert.ok(literals.length > 100, `found ${literals.length} literals`);
    const unsafe: string[] = [];
    for (const r of literals) {
      const v = verdict(r.source, r.flags);
      if (!v.ok) unsafe.push(`${r.file}:${r.line} /${r.source.slice(0, 80)}/ ${v.detail}`);
    }
    for (const r of built) {
      const v = verdict(r.source, r.flags);
      if (!v.ok) unsafe.push(`new RegExp /${r.source.slice(0, 80)}/ ${v.detail}`);
    }
    assert.deepEqual(unsafe, [], `${unsafe.length} unsafe:\n${unsafe.join('\n')}`);
  });

  it('the checker itself finds a known-bad pattern (this test can fail)', () => {
    assert.equal(verdict('\\b(\\w+\\s+)*x', 'i').ok, false);
    assert.equal(verdict('[.!?]+$', '').ok, false);
    assert.equal(verdict('\\breq[\\s-]*(\\d{1,9})\\b', 'i').ok, true);
  });
});
