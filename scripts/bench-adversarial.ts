// Prints the worst CPU time of understanding one adversarial chat message (what a message turn spends before any
// I/O), for messages of 1 KB, 8 KB and 28 KB (Teams' cap): repeated phrases, long punctuation runs, one long word,
// many names. The goal is under 50 ms each: during that time no other turn, outbox send, job or poll runs.
// CPU time (process.cpuUsage), not wall time, so waiting for a busy core does not count.
// Usage: npm run bench:adversarial [-- --sizes 1024,8192 --repeat 3]
import * as textModule from '../src/intake/text.js';
import { understand } from '../src/intake/understand.js';
import { fixtureSnapshot } from '../test/intake/evaluate.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const sizes = (flag('--sizes') ?? '1024,8192,28672').split(',').map(Number);
const repeat = Number(flag('--repeat') ?? 3);

/** What the message handler does first; absent on older code, where the whole text was understood. */
const bound: (t: string) => { text: string } =
  (textModule as { boundMessage?: (t: string) => { text: string } }).boundMessage ?? ((t) => ({ text: t }));

const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
const KINDS: Record<string, (size: number) => string> = {
  'phrase: "need access "': (n) => fill('need access ', n),
  'phrase: maker role + reason': (n) => fill('I need the Environment Maker role in Contoso Dev because ', n),
  'phrase: "keep it longer "': (n) => fill('keep it longer ', n),
  'phrase: "approve req "': (n) => fill('approve req ', n),
  'phrase: "called X&"': (n) => fill('called X&', n),
  'phrase: "create a new environment "': (n) => fill('create a new environment ', n),
  'punctuation: "!!!!"': (n) => `help${fill('!', n - 5)}x`,
  'punctuation: "-:-:"': (n) => `unblock dropbox ${fill('-:', n - 20)}`,
  'punctuation: "req" + tabs': (n) => `req${fill('\t', n - 4)}x`,
  'punctuation: "((((("': (n) => fill('(', n),
  'one long word': (n) => fill('a', n),
  'one long word: glued names': (n) => fill('financemarketing', n),
  'many names': (n) =>
    fill(
      'Contoso Dev, Finance Sandbox, Marketing Sandbox, IT Tools, Dropbox, Salesforce, Megan Bowen, Alex Wilber, ',
      n,
    ),
};

const { snapshot, close } = await fixtureSnapshot();
const cpuMs = (fn: () => void) => {
  const start = process.cpuUsage();
  fn();
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
};

understand('warm up: I need the maker role in Contoso Dev', snapshot, { requesterId: 'bench' });
const rows: string[][] = [];
const worstBySize = new Map<number, number>();
for (const [kind, make] of Object.entries(KINDS)) {
  const row = [kind];
  for (const size of sizes) {
    const message = make(size);
    understand(bound(message).text, snapshot, { requesterId: 'bench' }); // warm-up: JIT and caches, not counted
    let worst = 0;
    for (let i = 0; i < repeat; i++)
      worst = Math.max(
        worst,
        cpuMs(() => understand(bound(message).text, snapshot, { requesterId: 'bench' })),
      );
    worstBySize.set(size, Math.max(worstBySize.get(size) ?? 0, worst));
    row.push(worst.toFixed(1));
    process.stderr.write('.');
  }
  rows.push(row);
}
process.stderr.write('\n');
await close();

const header = ['message', ...sizes.map((s) => `${Math.round(s / 1024)} KB (ms CPU)`)];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(line(['worst', ...sizes.map((s) => (worstBySize.get(s) ?? 0).toFixed(1))]));
const over = [...worstBySize.values()].some((ms) => ms >= 50);
console.log(
  over ? 'GOAL MISSED: some message takes 50 ms of CPU or more' : 'goal met: every message under 50 ms of CPU',
);
