// CPU per renderCard, per template, with the data of every card scenario in test/cards/scenarios.ts (the data each
// scenario hands to the template is caught once, then renderCard is called with it again and again), and the three
// request-card views of one approve click. CPU time (process.cpuUsage), so a busy machine inflates it less.
//   node --import tsx scripts/bench/render-cards.ts [--ms 400] [--profile <file.cpuprofile>]
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as ACData from 'adaptivecards-templating';
import { type CardTemplateName, renderCard } from '../../src/teams/cards/template.js';
import { SCENARIOS } from '../../test/cards/scenarios.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const budgetMs = Number(arg('--ms') ?? 400);
const profileFile = arg('--profile');

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

const byTemplate = new Map<CardTemplateName, number[]>();
for (const { template, data } of caught) {
  const us = perCall(() => renderCard(template, data));
  byTemplate.set(template, [...(byTemplate.get(template) ?? []), us]);
}
console.log(`renderCard CPU per call (µs), ${caught.length} scenario renders, ${budgetMs} ms CPU each`);
console.log('template              scenarios   median     min     max');
let all: number[] = [];
for (const [template, list] of [...byTemplate.entries()].sort()) {
  const sorted = [...list].sort((a, b) => a - b);
  all = all.concat(list);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  console.log(
    `${template.padEnd(22)}${String(list.length).padStart(9)}${median.toFixed(0).padStart(9)}${(sorted[0] ?? 0).toFixed(0).padStart(8)}${(sorted.at(-1) ?? 0).toFixed(0).padStart(8)}`,
  );
}
all.sort((a, b) => a - b);
console.log(`all scenarios: median ${all[Math.floor(all.length / 2)]?.toFixed(0)} µs`);

// One approve click renders the request card three times (invoke answer, approval-card edit, receipt edit).
const views = ['maker-role-approver', 'maker-role-completed', 'maker-role-receipt'].map((name) => {
  const found = caught.find((c) => c.name === name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found;
});
const click = perCall(() => {
  for (const v of views) renderCard(v.template, v.data);
});
console.log(`approve click's three request-card views: ${click.toFixed(0)} µs CPU`);

if (session && profileFile) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(profileFile, JSON.stringify(profile));
  console.log(`profile: ${profileFile}`);
}
