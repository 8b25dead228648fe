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
import { join } from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { type CardTemplateName, renderCard } from '../../src/teams/cards/template.js';
import { SCENARIOS } from '../../test/cards/scenarios.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const budgetMs = Number(arg('--ms') ?? 100);
const rounds = Number(arg('--rounds') ?? 5);
const profileFile = arg('--profile');
const againstDir = arg('--against');
type Render = typeof renderCard;
const against: Render | undefined = againstDir
  ? ((await import(join(againstDir, 'src/teams/cards/template.ts'))) as { renderCard: Render }).renderCard
  : undefined;

// Catch the data each scenario expands its template with (the library's expand gets it as $root).
const caught: { name: string; template: CardTemplateName; data: object }[] = [];
const expand = ACData.Template.prototype.expand;
let current: { name: string; template: CardTemplateName } | undefined;
ACData.Template.prototype.expand = function (this: ACData.Template, context) {
  if (current) caught.push({ ...current, data: structuredClone(context.$root) as object });
  return expand.call(this, context);
};
for (const scenario of SCENARIOS) {
  current = scenario;
  scenario.card();
}
current = undefined;
ACData.Template.prototype.expand = expand;

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

if (against) {
  // Figures of two checkouts compare only if they make the same cards.
  const differ = caught.filter(({ template, data }) => {
    try {
      assert.deepStrictEqual(renderCard(template, data), against(template, data));
      return false;
    } catch {
      return true;
    }
  });
  console.log(
    `same cards as ${againstDir}: ${differ.length === 0 ? 'yes' : `NO (${differ.map((d) => d.name).join(', ')})`}`,
  );
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;
const renders: [string, Render][] = [
  ['this', renderCard],
  ...(against ? [['against', against] as [string, Render]] : []),
];

/** Median over rounds of CPU µs per call, for each renderCard, alternating within each round. */
function compare(fn: (render: Render) => void): number[] {
  const samples = renders.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++)
    for (const [i, [, render]] of renders.entries()) samples[i]?.push(perCall(() => fn(render)));
  return samples.map(median);
}

const byTemplate = new Map<CardTemplateName, number[][]>();
for (const { template, data } of caught) {
  const figures = compare((render) => render(template, fresh(data)));
  byTemplate.set(template, [...(byTemplate.get(template) ?? []), figures]);
}
const columns = renders.map(([name]) => name.padStart(9)).join('');
console.log(
  `renderCard CPU per call (µs, median of ${rounds} rounds of ${budgetMs} ms CPU), ${caught.length} scenario renders, ` +
    'each call with data not rendered before',
);
console.log(`template              scenarios   (median over the template's scenarios)\n${''.padEnd(31)}${columns}`);
const totals = renders.map(() => 0);
for (const [template, list] of [...byTemplate.entries()].sort()) {
  const cells = renders.map((_, i) => median(list.map((f) => f[i] ?? 0)));
  for (const figures of list) for (const [i, us] of figures.entries()) totals[i] = (totals[i] ?? 0) + us;
  console.log(
    `${template.padEnd(22)}${String(list.length).padStart(9)}${cells.map((c) => c.toFixed(0).padStart(9)).join('')}`,
  );
}
console.log(`sum over all scenarios${''.padEnd(9)}${totals.map((c) => c.toFixed(0).padStart(9)).join('')}`);

// One approve click renders the request card three times (invoke answer, approval-card edit, receipt edit).
const views = ['maker-role-approver', 'maker-role-completed', 'maker-role-receipt'].map((name) => {
  const found = caught.find((c) => c.name === name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found;
});
const click = compare((render) => {
  for (const v of views) render(v.template, fresh(v.data));
});
console.log(
  `approve click's three request-card views${''.padEnd(0)}${click.map((c) => c.toFixed(0).padStart(9)).join('')}`,
);

if (session && profileFile) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(profileFile, JSON.stringify(profile));
  console.log(`profile: ${profileFile}`);
}
