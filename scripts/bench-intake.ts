// Prints the corpus and held-out accuracy (intent, entities, asked back instead of guessing) on the reference tenant, and
// the parse+resolve time per message for a synthetic tenant of 1,000 environments and 500 connectors (wall clock:
// on a busy machine the tails include waiting for a core, so compare runs on the same quiet machine).
//   npm run bench:intake [-- --profile <dir>]  (a CPU profile of the first-seen messages only, for profile-summary.ts)
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import type { CatalogueSnapshot } from '../src/intake/catalogue.js';
import { indexCatalogue } from '../src/intake/resolve.js';
import { understand } from '../src/intake/understand.js';
import type { Connector, Environment } from '../src/tenant/tenant-admin.js';
import { BLIND_NOT_ASKED } from '../test/intake/blind-not-asked.js';
import { CORPUS } from '../test/intake/corpus.js';
import { evaluate, fixtureSnapshot, summarise } from '../test/intake/evaluate.js';
import { describeFirstScore, FIRST_SCORES } from '../test/intake/first-scores.js';
import { FRESH } from '../test/intake/fresh.js';
import { HELD_OUT } from '../test/intake/held-out.js';

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
const heldOut = HELD_OUT.map((row) => evaluate(row, snapshot));
console.log('\nHeld-out set (written apart from the corpus and the parser)');
console.log(`  first score, blind (never edited): ${describeFirstScore(FIRST_SCORES['held-out'])}`);
console.log("  current score (%d utterances, with today's parser and scoring rules):", HELD_OUT.length);
console.table(summarise(heldOut));
for (const [i, r] of heldOut.entries())
  if (r.problems.length > 0) console.log(`  miss: ${JSON.stringify(HELD_OUT[i]?.[0])} → ${r.problems.join('; ')}`);
const fresh = FRESH.map((row) => evaluate(row, snapshot));
console.log('\nFresh set (written blind)');
console.log(
  `  first score, blind, before the parser was changed for it (never edited): ${describeFirstScore(FIRST_SCORES.fresh)}`,
);
console.log('  current score (%d utterances, after the parser was tuned on it):', FRESH.length);
console.table(summarise(fresh));
for (const [i, r] of fresh.entries())
  if (r.problems.length > 0) console.log(`  miss: ${JSON.stringify(FRESH[i]?.[0])} → ${r.problems.join('; ')}`);
const blind = BLIND_NOT_ASKED.map((row) => evaluate(row, snapshot));
console.log(
  '\nBlind not-asked set (negations, withdrawals, hypotheticals, giving up access, look-alike names; written blind)',
);
console.log(
  `  first score, blind, before the parser was changed for it (never edited): ${describeFirstScore(FIRST_SCORES['blind-not-asked'])}`,
);
console.log('  current score (%d utterances, after the causes it showed were fixed):', BLIND_NOT_ASKED.length);
console.table(summarise(blind));
for (const [i, r] of blind.entries())
  if (r.problems.length > 0)
    console.log(`  miss: ${JSON.stringify(BLIND_NOT_ASKED[i]?.[0])} → ${r.problems.join('; ')}`);
await close();

const big = synthetic();
const messages = [
  ...CORPUS.map((r) => r[0]),
  ...HELD_OUT.map((r) => r[0]),
  ...FRESH.map((r) => r[0]),
  'maker role in Finance Marketing Sandbox 25',
  'unblock Alpha Bravo Connector 7 and Kilo Lima Connector 40 in Delta Echo Prod 104 for 2 weeks',
  'maker rights in finanse markting sandbox',
];

// Index build: what each catalogue refresh costs (a fresh snapshot object each time, so nothing is reused).
const builds: number[] = [];
for (let k = 0; k < 5; k++) {
  const copy = { ...big, environments: [...big.environments], connectors: [...big.connectors] };
  const t = performance.now();
  indexCatalogue(copy);
  builds.push(performance.now() - t);
}
indexCatalogue(big);

/** CPU time of each timed message too: on a shared machine the wall clock's tail is mostly waiting for a core. */
const cpuMs: number[] = [];
const time = (text: string) => {
  const c = process.cpuUsage();
  const s = performance.now();
  understand(text, big, { requesterId: 'user-3' });
  const wall = performance.now() - s;
  const used = process.cpuUsage(c);
  cpuMs.push((used.user + used.system) / 1000);
  return wall;
};

// Warm the JIT first, so "first time a word is seen" measures the typo path and not compilation.
for (let k = 0; k < 5; k++) for (const m of messages) time(m);

const repeated: number[] = [];
for (let k = 0; k < 20; k++) for (const m of messages) repeated.push(time(m));

// Every message carries words never seen before: misspelt catalogue words and made-up words, so the
// per-word correction cache cannot help and every lookup takes the slow path.
const unseenWords = freshWords();
const templates = [
  (a: string, b: string, c: string) => `maker role in ${a} ${b} sandbox for the ${c} team`,
  (a: string, b: string, c: string) => `unblock ${a} ${b} connector in ${c} prod please`,
  (a: string, b: string, c: string) => `pls unblock ${c} for ${a} dev because ${b}`,
  (a: string, b: string, c: string) => `could I get maker rights on ${a} ${c}? need to build the ${b} app`,
];
const firstSeen = (count: number) =>
  Array.from({ length: count }, (_v, k) =>
    (templates[k % templates.length] ?? templates[0]!)(unseenWords.typo(), unseenWords.madeUp(), unseenWords.typo()),
  );
const firstSeenMessages = firstSeen(1000);
// The corpus warms little of the typo path (its typos are corrected once, then cached): warm it with other unseen
// words on a copy of the catalogue (its own index), so the measured index is as fresh as before.
const warmCopy = { ...big, environments: [...big.environments], connectors: [...big.connectors] };
for (const m of firstSeen(600)) understand(m, warmCopy, { requesterId: 'user-3' });
const profileDir = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1] : undefined;
const session = profileDir ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
/** Garbage collections during the first-seen run, and how many messages one overlapped (a scavenge pauses a message). */
const gcs: { start: number; end: number }[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ start: e.startTime, end: e.startTime + e.duration });
});
gcObserver.observe({ entryTypes: ['gc'] });
const spans: { start: number; end: number }[] = [];
const firstSeenMs: number[] = [];
cpuMs.length = 0;
for (const m of firstSeenMessages) {
  const start = performance.now();
  firstSeenMs.push(time(m));
  spans.push({ start, end: performance.now() });
}
await new Promise((resolve) => setTimeout(resolve, 100)); // GC entries arrive after the run
gcObserver.disconnect();
const pausedByGc = spans.filter((s) => gcs.some((g) => g.start < s.end && g.end > s.start)).length;
if (session && profileDir) {
  const { profile } = await session.post('Profiler.stop');
  mkdirSync(profileDir, { recursive: true });
  const file = join(profileDir, `intake-first-seen-${Date.now()}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  console.log(`CPU profile of the first-seen messages: ${file}`);
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (q: number) => +(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0).toFixed(4);
  return {
    messages: xs.length,
    meanMs: +(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(4),
    medianMs: at(0.5),
    p95Ms: at(0.95),
    p99Ms: at(0.99),
    maxMs: +(sorted.at(-1) ?? 0).toFixed(4),
  };
};
console.log('\nParse + resolve per message, synthetic tenant (1,000 environments, 500 connectors):');
console.log(
  `  index build (once per catalogue refresh): first ${builds[0]?.toFixed(1)} ms, median of 5 ${stats(builds).medianMs.toFixed(1)} ms`,
);
console.table({
  'repeated messages (20 rounds)': stats(repeated),
  'first time a word is seen': stats(firstSeenMs),
  'first time a word is seen, CPU time': stats(cpuMs),
});

console.log(
  `  first-seen run: ${gcs.length} garbage collections, ${pausedByGc} of ${spans.length} messages overlapped one ` +
    `(${(100 * pausedByGc) / spans.length} %: above 1 %, they alone set the p99)`,
);

/** Deterministic generator of words no earlier message used. */
function freshWords() {
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const letter = () => letters[Math.floor(next() * letters.length)] ?? 'x';
  const seen = new Set<string>([...messages.join(' ').toLowerCase().split(/\W+/)]);
  const unseen = (make: () => string) => {
    for (;;) {
      const w = make();
      if (!seen.has(w)) {
        seen.add(w);
        return w;
      }
    }
  };
  const vocabulary = [...WORDS, 'production', 'sandbox', 'developer', 'connector'];
  return {
    /** One random edit (drop, insert, replace, swap) of a catalogue word, or two for longer words. */
    typo: () =>
      unseen(() => {
        let w = vocabulary[Math.floor(next() * vocabulary.length)] ?? 'alpha';
        for (let e = 0; e < (w.length > 6 ? 2 : 1); e++) {
          const i = 1 + Math.floor(next() * (w.length - 1));
          const kind = Math.floor(next() * 4);
          if (kind === 0) w = w.slice(0, i) + w.slice(i + 1);
          else if (kind === 1) w = w.slice(0, i) + letter() + w.slice(i);
          else if (kind === 2) w = w.slice(0, i) + letter() + w.slice(i + 1);
          else w = w.slice(0, i - 1) + (w[i] ?? '') + (w[i - 1] ?? '') + w.slice(i + 1);
        }
        return w;
      }),
    /** A pronounceable made-up word of 5 to 9 letters. */
    madeUp: () =>
      unseen(() =>
        Array.from(
          { length: 5 + Math.floor(next() * 5) },
          (_v, i) => (i % 2 ? 'aeiou' : 'bcdfghklmnprstvz')[Math.floor(next() * (i % 2 ? 5 : 16))],
        ).join(''),
      ),
  };
}
