// The folder layout is the architecture; these rules keep it true. The domain (requests, policy, dlp,
// lifecycle, intake) imports no SDK and no infrastructure: only ports, pure helpers and small libraries.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');
}

/** A package name as written, or a relative import as a project path ("/src/tenant/live/x.js"). */
function target(file: string, spec: string): string {
  return spec.startsWith('.') ? `/${relative(process.cwd(), resolve(dirname(file), spec))}` : spec;
}

const SDKS = /^(botbuilder|botframework-|@microsoft\/teams-ai|restify|@azure\/msal-node|better-sqlite3|kysely|pino)/;

const rules: { folder: string; forbidden: RegExp; why: string }[] = [
  { folder: 'src/requests', forbidden: SDKS, why: 'the domain imports no SDK' },
  { folder: 'src/policy', forbidden: SDKS, why: 'policy is pure rules' },
  { folder: 'src/dlp', forbidden: SDKS, why: 'DLP logic is pure' },
  { folder: 'src/lifecycle', forbidden: SDKS, why: 'lifecycle works through ports' },
  { folder: 'src/intake', forbidden: SDKS, why: 'understanding is independent of Teams' },
  {
    folder: 'src/requests',
    forbidden: /\/(teams\/|storage\/sqlite|storage\/repositories|tenant\/live\/|tenant\/simulator\/)/,
    why: 'the domain sees ports, not adapters',
  },
  {
    folder: 'src/policy',
    forbidden: /\/(teams\/|storage\/sqlite|tenant\/live\/|tenant\/simulator\/)/,
    why: 'policy sees ports, not adapters',
  },
  {
    folder: 'src/dlp',
    forbidden: /\/(teams\/|storage\/|tenant\/live\/|tenant\/simulator\/)/,
    why: 'DLP logic sees no adapters',
  },
  {
    folder: 'src/tenant/simulator',
    forbidden: /\/tenant\/live\/|\/teams\/|\/requests\//,
    why: 'the simulator knows only the wire',
  },
];

describe('architecture: dependency direction', () => {
  for (const rule of rules) {
    it(`${rule.folder}: ${rule.why}`, () => {
      const offenders = filesUnder(rule.folder).flatMap((file) =>
        importsOf(file)
          .filter((spec) => rule.forbidden.test(target(file, spec)))
          .map((spec) => `${file} imports ${spec}`),
      );
      assert.deepEqual(offenders, []);
    });
  }

  it('only src/teams imports the bot SDKs (and the composition root wires them)', () => {
    const offenders = filesUnder('src')
      .filter((f) => !f.startsWith(join('src', 'teams')) && f !== join('src', 'app.ts'))
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => /^(botbuilder|@microsoft\/teams-ai|botframework-)/.test(spec))
          .map((spec) => `${file} imports ${spec}`),
      );
    assert.deepEqual(offenders, []);
  });
});
