// The per-activity cost of the path every activity takes before and after our handlers (restify, server.ts, the
// adapter, teams-ai's Application, tenant guard, remembered conversation, the invoke response), side by side with the
// echo floor (scripts/echo-bot.ts), with as little handler work as possible: Action.Execute invokes of a verb the bot
// does not know (answered with a small notice card; the echo answers its fixed card) and message reactions (no
// handler, no reply, on either). Prints CPU per activity (the processes' own CPU, not wall clock, so a busy machine
// inflates it less) and the bot's excess over the echo. Prints figures; asserts nothing.
//   npm run bench:stack -- [--rounds 3] [--activities 2000] [--lanes 20] [--profile <dir>]
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { projectRoot } from '../src/project-root.js';
import {
  argNumber,
  argText,
  BenchConnector,
  inLanes,
  loadAverage,
  median,
  personalMessage,
  post,
  sleep,
  startBot,
  startEcho,
  type Target,
  type User,
} from './bench/support.js';

const rounds = argNumber('rounds', 3);
const activities = argNumber('activities', 2000);
const lanes = argNumber('lanes', 20);
const cpuProfileDir = argText('profile');

const fixture = JSON.parse(readFileSync(`${projectRoot()}/fixtures/contoso-tenant.json`, 'utf8')) as {
  users: { id: string; displayName: string }[];
};
const users: User[] = fixture.users.slice(0, lanes).map((u) => ({ id: u.id, name: u.displayName }));

type Kind = 'invoke' | 'reaction';

function activity(serviceUrl: string, user: User, kind: Kind): Record<string, unknown> {
  const message = personalMessage(serviceUrl, user, '');
  delete message.text;
  return kind === 'invoke'
    ? {
        ...message,
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId: randomUUID(),
        value: { action: { type: 'Action.Execute', verb: 'benchUnknownVerb', data: {} }, trigger: 'manual' },
      }
    : {
        ...message,
        type: 'messageReaction',
        replyToId: randomUUID(),
        reactionsAdded: [{ type: 'like' }],
      };
}

/** CPU per activity (ms) of `target` answering `count` activities of a kind, `lanes` at a time. */
async function cpuPerActivity(connector: BenchConnector, target: Target, kind: Kind, count: number): Promise<number> {
  const items = Array.from({ length: count }, (_, i) => users[i % users.length] as User);
  const windowStart = process.hrtime.bigint() / 1000n;
  const before = target.cpuMs();
  await inLanes(items, lanes, async (user) => {
    const res = await post(target.url, activity(connector.double.url, user, kind));
    if (res.status !== 200) throw new Error(`${target.name} ${kind}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  });
  const cpu = (target.cpuMs() - before) / count;
  if (target.name === 'bot' && count === activities)
    botWindows[kind].push(`${windowStart}-${process.hrtime.bigint() / 1000n}`);
  return cpu;
}

/** When the bot's measured activities ran, on the monotonic clock V8 stamps .cpuprofile samples with (µs). */
const botWindows: Record<Kind, string[]> = { invoke: [], reaction: [] };

const connector = new BenchConnector();
await connector.start();
console.log(
  `bench:stack — ${activities} activities per kind and round, ${lanes} at a time, ${rounds} rounds; load ${loadAverage()}`,
);
const echo = await startEcho();
const bot = await startBot({ cpuProfileDir });
await sleep(1000);
for (const target of [echo, bot])
  for (const kind of ['invoke', 'reaction'] as const) await cpuPerActivity(connector, target, kind, 200);

const figures: Record<Kind, { echo: number[]; bot: number[] }> = {
  invoke: { echo: [], bot: [] },
  reaction: { echo: [], bot: [] },
};
for (let round = 1; round <= rounds; round++) {
  const line: string[] = [];
  for (const kind of ['invoke', 'reaction'] as const) {
    const order = round % 2 === 1 ? [echo, bot] : [bot, echo];
    for (const target of order)
      figures[kind][target.name].push(await cpuPerActivity(connector, target, kind, activities));
    const e = figures[kind].echo.at(-1) ?? 0;
    const b = figures[kind].bot.at(-1) ?? 0;
    line.push(`${kind}: echo ${e.toFixed(3)} ms, bot ${b.toFixed(3)} ms (+${(b - e).toFixed(3)})`);
  }
  console.log(`round ${round} (load ${loadAverage()}), CPU per activity: ${line.join(' | ')}`);
}
console.log('\nmedian CPU per activity:');
for (const kind of ['invoke', 'reaction'] as const) {
  const e = median(figures[kind].echo);
  const b = median(figures[kind].bot);
  console.log(
    `  ${kind}: echo ${e.toFixed(3)} ms, bot ${b.toFixed(3)} ms; the bot's stack beyond the echo's +${(b - e).toFixed(3)} ms (×${(b / e).toFixed(2)})`,
  );
}
await echo.stop();
await bot.stop();
await connector.stop();
if (cpuProfileDir)
  for (const kind of ['invoke', 'reaction'] as const)
    console.log(
      `bot CPU profile in ${cpuProfileDir}; only the measured ${kind}s: ` +
        `node --import tsx scripts/bench/profile-summary.ts <file> --window ${botWindows[kind].join(',')}`,
    );
