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

const SDKS =
  /^(botbuilder|botframework-|@microsoft\/teams-ai|restify|@azure\/msal-node|better-sqlite3|kysely|pino|pg($|\/))/;

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
  // The domain owns the Store port (src/requests/ports/store.ts); storage implements it, nobody here imports storage.
  { folder: 'src/requests', forbidden: /^\/src\/storage\//, why: 'the domain owns its Store port' },
  { folder: 'src/intake', forbidden: /^\/src\/storage\//, why: 'intake imports no storage type' },
  { folder: 'src/lifecycle', forbidden: /^\/src\/storage\//, why: 'lifecycle uses the Store port' },
  { folder: 'src/execution', forbidden: /^\/src\/storage\//, why: 'execution uses the Store port' },
  { folder: 'src/outbox', forbidden: /^\/src\/storage\//, why: 'the outbox uses the Store port' },
  { folder: 'src/monitor', forbidden: /^\/src\/storage\//, why: 'the monitor uses the Store port' },
  {
    folder: 'src/storage',
    forbidden: /^\/src\/(teams|intake|execution|outbox|monitor|lifecycle|policy)\//,
    why: 'storage implements the port and knows no use case',
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
