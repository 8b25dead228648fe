// Summarises a V8 .cpuprofile (from `npm run bench:approvals -- --profile <dir>`): self time per package and per
// function, and inclusive time of the bot's own functions, so the largest costs can be named.
//   node --import tsx scripts/bench/profile-summary.ts <file.cpuprofile> [top] [--window start-end,start-end]
// (--window: only samples inside these monotonic-clock µs ranges, which bench:approvals prints for its bursts)
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: profile-summary <file.cpuprofile> [top]');
const top = Number(process.argv[3]?.startsWith('--') ? 25 : (process.argv[3] ?? 25));
const windowArg = process.argv.indexOf('--window');
const windows = (windowArg >= 0 ? (process.argv[windowArg + 1] ?? '') : '')
  .split(',')
  .filter(Boolean)
  .map((w) => w.split('-').map(Number) as [number, number]);
const inWindow = (t: number) => windows.length === 0 || windows.some(([a, b]) => t >= a && t <= b);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfUs = new Map<number, number>();
let t = profile.startTime;
for (const [i, id] of profile.samples.entries()) {
  const delta = profile.timeDeltas[i] ?? 0;
  t += delta;
  if (inWindow(t)) selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

function packageOf(url: string): string {
  if (!url) return '(native/V8)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m?.[1]) return m[1];
  if (url.startsWith('node:')) return 'node core';
  const own = /\/(dist\/)?(src|scripts)\/(.*)$/.exec(url);
  return own ? `bot ${own[2]}/${own[3]?.split('/')[0]}` : url;
}
const where = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${packageOf(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

function table(title: string, map: Map<string, number>, denominator: number) {
  console.log(`\n${title}`);
  for (const [key, us] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(
      `${((100 * us) / denominator).toFixed(1).padStart(6)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`,
    );
}

const pkgSelf = new Map<string, number>();
const fnSelf = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  if (!n || n.callFrame.functionName === '(idle)') continue;
  const pkg = packageOf(n.callFrame.url);
  pkgSelf.set(pkg, (pkgSelf.get(pkg) ?? 0) + us);
  fnSelf.set(where(n), (fnSelf.get(where(n)) ?? 0) + us);
}
const idle = [...selfUs].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)');
const idleUs = idle.reduce((a, [, us]) => a + us, 0);
console.log(`profile: ${(total / 1000).toFixed(0)} ms sampled, ${((total - idleUs) / 1000).toFixed(0)} ms busy`);
table('self time by package (% of busy)', pkgSelf, total - idleUs);
table('self time by function (% of busy)', fnSelf, total - idleUs);

// Inclusive time by package entry: a sample counts once for each distinct package on its stack.
const pkgIncl = new Map<string, number>();
for (const [id, us] of selfUs) {
  if (byId.get(id)?.callFrame.functionName === '(idle)') continue;
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur);
    if (n) seen.add(packageOf(n.callFrame.url));
  }
  for (const pkg of seen) pkgIncl.set(pkg, (pkgIncl.get(pkg) ?? 0) + us);
}
table('inclusive time by package (% of busy; a sample counts for every package on its stack)', pkgIncl, total - idleUs);

// Inclusive time of the bot's own functions.
const fnIncl = new Map<string, number>();
for (const [id, us] of selfUs) {
  if (byId.get(id)?.callFrame.functionName === '(idle)') continue;
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur);
    if (n && /\/(src)\//.test(n.callFrame.url) && !n.callFrame.url.includes('node_modules')) seen.add(where(n));
  }
  for (const key of seen) fnIncl.set(key, (fnIncl.get(key) ?? 0) + us);
}
table("inclusive time of the bot's own functions (% of busy)", fnIncl, total - idleUs);
