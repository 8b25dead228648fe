// CPU per renderCard, per template, with the data of every card scenario in test/cards/scenarios.ts (the data each
// scenario hands to the template is caught once, then renderCard is called with it again and again, a counter in its
// first text field), and the three request-card views of one approve click. CPU time (process.cpuUsage), so a busy
// machine inflates it less.
// --against <worktree> renders the same data with that checkout's renderCard too, alternating with this one in the
// same process and minutes (before/after on a busy machine); each figure is the median of --rounds alternations.
//   npm run bench:cards -- [--ms 100] [--rounds 5] [--against <dir>] [--profile <file>]
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as ACData from 'adaptivecards-templating';
import type { CardTemplateName, renderCard } from '../../src/teams/cards/template.js';
import type { CardScenario } from '../../test/cards/scenarios.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const budgetMs = Number(arg('--ms') ?? 100);
const rounds = Number(arg('--rounds') ?? 5);
const profileFile = arg('--profile');
const againstDir = arg('--against');
type Render = typeof renderCard;
interface Caught {
  name: string;
  template: CardTemplateName;
  data: object;
}
interface Checkout {
  render: Render;
  scenarios: CardScenario[];
  /** The data each scenario expands its template with, as this checkout's data builders make it. */
  caught: Caught[];
}

/**
 * Loads a checkout's renderCard and scenarios and catches the data each scenario hands to its template (the library's
 * expand gets it as $root). Each checkout builds its own data, so a change of the data's shape compares too.
 */
async function checkout(dir: string): Promise<Checkout> {
  const { renderCard: render } = (await import(join(dir, 'src/teams/cards/template.ts'))) as { renderCard: Render };
  const { SCENARIOS: scenarios } = (await import(join(dir, 'test/cards/scenarios.ts'))) as {
    SCENARIOS: CardScenario[];
  };
  // The checkout's own copy of the library (its template.ts requires it from its node_modules).
  const library = createRequire(join(dir, 'package.json'))('adaptivecards-templating') as typeof ACData;
  const caught: Caught[] = [];
  const expand = library.Template.prototype.expand;
  let current: { name: string; template: CardTemplateName } | undefined;
  library.Template.prototype.expand = function (this: ACData.Template, context) {
    if (current) caught.push({ ...current, data: structuredClone(context.$root) as object });
    return expand.call(this, context);
  };
  try {
    for (const scenario of scenarios) {
      current = scenario;
      scenario.card();
    }
  } finally {
    library.Template.prototype.expand = expand;
  }
  return { render, scenarios, caught };
}

const self = await checkout(join(import.meta.dirname, '../..'));
const other = againstDir ? await checkout(againstDir) : undefined;
const caught = self.caught;

/**
 * The data with a counter in its first text field, so each call renders a card not rendered before, as nearly every
 * render of an approve click is (a checkout that remembered cards would otherwise answer from memory).
 */
let counter = 0;
function fresh(data: object): object {
  const key = Object.keys(data).find((k) => typeof (data as Record<string, unknown>)[k] === 'string');
  if (!key) return data;
  counter = (counter + 1) % 1_000_000;
  return { ...data, [key]: `${(data as Record<string, string>)[key]} ${counter}` };
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Runs fn for about budgetMs of CPU (after a warm-up) and returns CPU µs per call. */
function perCall(fn: () => void): number {
  for (let i = 0; i < 50; i++) fn();
  let n = 0;
  const start = cpuMs();
  let used = 0;
  while (used < budgetMs) {
    for (let i = 0; i < 20; i++) fn();
    n += 20;
    used = cpuMs() - start;
  }
  return (1000 * used) / n;
}

const session = profileFile ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}

if (other) {
  // Figures of two checkouts compare only if every scenario makes the same card in both.
  const differ = self.scenarios.filter((scenario, i) => {
    try {
      assert.deepStrictEqual(scenario.card(), other.scenarios[i]?.card());
      return false;
    } catch {
      return true;
    }
  });
  const same = differ.length === 0 && self.scenarios.length === other.scenarios.length;
  console.log(
    `same cards as ${againstDir} (${self.scenarios.length} scenarios): ${same ? 'yes' : `NO (${differ.map((d) => d.name).join(', ')})`}`,
  );
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;
const checkouts: [string, Checkout][] = [['this', self], ...(other ? [['against', other] as [string, Checkout]] : [])];

if (other)
  assert.deepEqual(
    other.caught.map((c) => c.name),
    caught.map((c) => c.name),
    'both checkouts render the same scenarios',
  );

/** Median over rounds of CPU µs per call, for each checkout, alternating within each round. */
function compare(fn: (side: Checkout) => void): number[] {
  const samples = checkouts.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++)
    for (const [i, [, side]] of checkouts.entries()) samples[i]?.push(perCall(() => fn(side)));
  return samples.map(median);
}

/** The k-th caught render of a checkout, with its own data (the shapes may differ between checkouts). */
const renderCaught = (side: Checkout, k: number) => {
  const c = side.caught[k];
  if (c) side.render(c.template, fresh(c.data));
};

const byTemplate = new Map<CardTemplateName, number[][]>();
for (const [k, { template }] of caught.entries()) {
  const figures = compare((side) => renderCaught(side, k));
  byTemplate.set(template, [...(byTemplate.get(template) ?? []), figures]);
}
const columns = checkouts.map(([name]) => name.padStart(9)).join('');
console.log(
  `renderCard CPU per call (µs, median of ${rounds} rounds of ${budgetMs} ms CPU), ${caught.length} scenario renders, ` +
    'each call with data not rendered before',
);
console.log(`template              scenarios   (median over the template's scenarios)\n${''.padEnd(31)}${columns}`);
const totals = checkouts.map(() => 0);
for (const [template, list] of [...byTemplate.entries()].sort()) {
  const cells = checkouts.map((_, i) => median(list.map((f) => f[i] ?? 0)));
  for (const figures of list) for (const [i, us] of figures.entries()) totals[i] = (totals[i] ?? 0) + us;
  console.log(
    `${template.padEnd(22)}${String(list.length).padStart(9)}${cells.map((c) => c.toFixed(0).padStart(9)).join('')}`,
  );
}
console.log(`sum over all scenarios${''.padEnd(9)}${totals.map((c) => c.toFixed(0).padStart(9)).join('')}`);

// One approve click renders the request card three times (invoke answer, approval-card edit, receipt edit).
const views = ['maker-role-approver', 'maker-role-completed', 'maker-role-receipt'].map((name) => {
  const k = caught.findIndex((c) => c.name === name);
  if (k < 0) throw new Error(`no scenario ${name}`);
  return k;
});
const click = compare((side) => {
  for (const k of views) renderCaught(side, k);
});
console.log(
  `approve click's three request-card views${''.padEnd(0)}${click.map((c) => c.toFixed(0).padStart(9)).join('')}`,
);

if (session && profileFile) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(profileFile, JSON.stringify(profile));
  console.log(`profile: ${profileFile}`);
}
