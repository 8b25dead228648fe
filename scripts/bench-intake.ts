// Prints the corpus accuracy (intent, entities, asked back instead of guessing) on the reference tenant, and
// the parse+resolve time per message for a synthetic tenant of 1,000 environments and 500 connectors.
import { performance } from 'node:perf_hooks';
import type { CatalogueSnapshot } from '../src/intake/catalogue.js';
import { indexCatalogue } from '../src/intake/resolve.js';
import { understand } from '../src/intake/understand.js';
import type { Connector, Environment } from '../src/tenant/tenant-admin.js';
import { CORPUS } from '../test/intake/corpus.js';
import { evaluate, fixtureSnapshot, summarise } from '../test/intake/evaluate.js';

const WORDS =
  `alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo
sierra tango uniform victor whiskey xray yankee zulu finance marketing sales hr operations legal audit payroll claims
vendor logistics research support field retail supply quality risk treasury`.split(/\s+/);
const SKUS = ['Production', 'Sandbox', 'Developer', 'Trial'];

function synthetic(): CatalogueSnapshot {
  const environments: Environment[] = [];
  for (let i = 0; i < 1000; i++) {
    const a = WORDS[i % WORDS.length] ?? 'alpha';
    const b = WORDS[Math.floor(i / WORDS.length) % WORDS.length] ?? 'bravo';
    const sku = SKUS[i % SKUS.length] ?? 'Sandbox';
    environments.push({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      displayName: `${cap(a)} ${cap(b)} ${sku === 'Production' ? 'Prod' : sku} ${i}`,
      sku,
      location: 'unitedstates',
      hasDataverse: i % 2 === 0,
      isDefault: i === 0,
      state: 'Ready',
      managed: false,
      createdBy: `user-${i % 50}`,
    });
  }
  const connectors: Connector[] = [];
  for (let i = 0; i < 500; i++) {
    const a = WORDS[(i * 7) % WORDS.length] ?? 'alpha';
    const b = WORDS[(i * 3 + 1) % WORDS.length] ?? 'bravo';
    connectors.push({
      name: `shared_${a}${b}${i}`,
      id: `/providers/Microsoft.PowerApps/apis/shared_${a}${b}${i}`,
      displayName: `${cap(a)} ${cap(b)} Connector ${i}`,
      tier: i % 3 === 0 ? 'Premium' : 'Standard',
      unblockable: false,
    });
  }
  return {
    environments,
    connectors,
    locations: [{ name: 'unitedstates', displayName: 'United States', azureRegions: ['eastus'] }],
  };
}

function cap(s: string): string {
  return s[0]?.toUpperCase() + s.slice(1);
}

const { snapshot, close } = await fixtureSnapshot();
const results = CORPUS.map((row) => evaluate(row, snapshot));
console.log('Corpus accuracy (reference tenant, %d utterances):', CORPUS.length);
console.table(summarise(results));
for (const [i, r] of results.entries())
  if (r.problems.length > 0) console.log(`  miss: ${JSON.stringify(CORPUS[i]?.[0])} → ${r.problems.join('; ')}`);
await close();

const big = synthetic();
const messages = [
  ...CORPUS.map((r) => r[0]),
  'maker role in Finance Marketing Sandbox 25',
  'unblock Alpha Bravo Connector 7 and Kilo Lima Connector 40 in Delta Echo Prod 104 for 2 weeks',
  'maker rights in finanse markting sandbox',
];
let t = performance.now();
indexCatalogue(big);
const indexMs = performance.now() - t;

const run = (rounds: number) => {
  const times: number[] = [];
  for (let k = 0; k < rounds; k++) {
    for (const m of messages) {
      const s = performance.now();
      understand(m, big, { requesterId: 'user-3' });
      times.push(performance.now() - s);
    }
  }
  return times.sort((a, b) => a - b);
};
t = performance.now();
const cold = run(1);
const warm = run(20);
const stats = (xs: number[]) => ({
  messages: xs.length,
  meanMs: +(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(4),
  p50Ms: +(xs[Math.floor(xs.length * 0.5)] ?? 0).toFixed(4),
  p95Ms: +(xs[Math.floor(xs.length * 0.95)] ?? 0).toFixed(4),
  p99Ms: +(xs[Math.floor(xs.length * 0.99)] ?? 0).toFixed(4),
  maxMs: +(xs.at(-1) ?? 0).toFixed(4),
});
console.log('\nParse + resolve per message, synthetic tenant (1,000 environments, 500 connectors):');
console.log(`  index build (once per catalogue refresh): ${indexMs.toFixed(1)} ms`);
console.table({ 'first pass (typo cache cold)': stats(cold), 'steady state (20 rounds)': stats(warm) });
