// A busy chat, side by side with the echo floor (scripts/echo-bot.ts) in one run: 20 users each send 15 "help"
// turns one after another (all users at once), over HTTP, replies received by a Bot Connector double. Echo and bot
// alternate, several rounds; prints p50/p99 turn time, throughput and the ratios. Then the bot's memory (idle after
// start, after 10,000 turns) and `npm start` to listening. Prints figures; asserts nothing. Wall clock: on a busy
// machine every figure includes waiting for a core, so compare the ratios of one run.
//   npm run bench:turns [-- --rounds 3 --users 20 --turns 15 --memory-turns 10000 --settle 20 --starts 3] [-- --profile <dir>]
// (--profile: --cpu-prof of the bot; the summary command printed at the end counts only the bot's measured rounds)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { projectRoot } from '../src/project-root.js';
import { firstCard } from '../test/support/connector-double.js';
import {
  argNumber,
  argText,
  BenchConnector,
  loadAverage,
  median,
  ms,
  percentile,
  personalConversationId,
  personalMessage,
  post,
  sleep,
  startBot,
  startEcho,
  startFlags,
  type Target,
  type User,
} from './bench/support.js';

const rounds = argNumber('rounds', 3);
const userCount = argNumber('users', 20);
const turnsPerUser = argNumber('turns', 15);
const memoryTurns = argNumber('memory-turns', 10_000);
const starts = argNumber('starts', 3);
const settleSeconds = argNumber('settle', 20);
const cpuProfileDir = argText('profile');

const fixture = JSON.parse(readFileSync(`${projectRoot()}/fixtures/contoso-tenant.json`, 'utf8')) as {
  users: { id: string; displayName: string }[];
};
const users: User[] = fixture.users.slice(0, userCount).map((u) => ({ id: u.id, name: u.displayName }));

interface RoundFigures {
  p50: number;
  p99: number;
  throughput: number;
  failures: number;
  /** CPU the target process used per turn (ms). */
  cpuPerTurn: number;
  /** Calls the target made to the Bot Connector per turn (1 = the reply only; more = typing indicators, say). */
  callsPerTurn: number;
}

/** One turn: POST the message, wait for the HTTP answer and the reply at the connector. */
async function turn(connector: BenchConnector, target: Target, user: User, text: string): Promise<number> {
  const conversationId = personalConversationId(user);
  const t0 = performance.now();
  const reply = connector.next((c) => c.conversationId === conversationId && c.body.type === 'message');
  const res = await post(target.url, personalMessage(connector.double.url, user, text));
  if (res.status !== 200) throw new Error(`${target.name}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  await reply;
  return performance.now() - t0;
}

/** When the bot's measured rounds ran, on the monotonic clock V8 stamps .cpuprofile samples with (µs). */
const botRoundWindows: string[] = [];

async function busyChat(connector: BenchConnector, target: Target, perUser: number): Promise<RoundFigures> {
  const windowStart = process.hrtime.bigint() / 1000n;
  const times: number[] = [];
  let failures = 0;
  const started = performance.now();
  const cpuBefore = target.cpuMs();
  const callsBefore = connector.received;
  await Promise.all(
    users.map(async (user) => {
      for (let i = 0; i < perUser; i++) {
        try {
          times.push(await turn(connector, target, user, 'help'));
        } catch (error) {
          failures++;
          if (failures === 1) console.error((error as Error).message);
        }
      }
    }),
  );
  const wall = performance.now() - started;
  if (target.name === 'bot') botRoundWindows.push(`${windowStart}-${process.hrtime.bigint() / 1000n}`);
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    throughput: (times.length / wall) * 1000,
    failures,
    cpuPerTurn: (target.cpuMs() - cpuBefore) / Math.max(1, times.length),
    callsPerTurn: (connector.received - callsBefore) / Math.max(1, times.length),
  };
}

/** GETs /healthz every everyMs until stopped; the answer times (ms). */
function probeHealth(url: string, everyMs: number): { stop(): Promise<number[]> } {
  const times: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const t0 = performance.now();
      await (await fetch(`${url}/healthz`)).text();
      times.push(performance.now() - t0);
      await sleep(everyMs);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return times;
    },
  };
}

/** `npm start` (nothing changed since the build) until the bot prints its URL. */
async function npmStartToListening(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'govbot-bench-start-'));
  const started = performance.now();
  const child = spawn('npm', ['start'], {
    cwd: projectRoot(),
    env: {
      ...process.env,
      TENANT_MODE: 'simulated',
      PORT: '0',
      TENANT_SIMULATOR_PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const elapsed = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (/\/api\/messages/.test(out)) resolve(performance.now() - started);
    });
    child.once('exit', (code) => reject(new Error(`npm start exited ${code}`)));
  });
  child.removeAllListeners('exit');
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
  });
  rmSync(dataDir, { recursive: true, force: true });
  return elapsed;
}

function replyKind(call: { body: Record<string, unknown> }): string {
  const card = firstCard(call.body);
  const first = (card?.body as { text?: string }[] | undefined)?.[0]?.text;
  return card ? `card "${first ?? '?'}"` : `text "${String(call.body.text).slice(0, 40)}"`;
}

const connector = new BenchConnector();
await connector.start();
console.log(
  `bench:turns — ${users.length} users × ${turnsPerUser} "help" turns, ${rounds} rounds; bot node flags: ${startFlags().join(' ') || 'none'}; load ${loadAverage()}`,
);

const echo = await startEcho();
const bot = await startBot({ cpuProfileDir });
console.log(`started: echo in ${ms(echo.startMs)}, bot in ${ms(bot.startMs)} (spawn → listening)`);
await sleep(1000);
const idleRss = { echo: echo.rssMb(), bot: bot.rssMb() };

// What each answers to "help" (the bot's reply must be the same as before any speed work).
for (const target of [echo, bot]) {
  const reply = connector.next(
    (c) => c.conversationId === personalConversationId(users[0] as User) && c.body.type === 'message',
  );
  await post(target.url, personalMessage(connector.double.url, users[0] as User, 'help'));
  console.log(`  ${target.name} answers "help" with ${replyKind(await reply)}`);
}
// Warm-up (JIT, caches, first-seen users), not counted.
await busyChat(connector, echo, 2);
await busyChat(connector, bot, 2);

const results: { echo: RoundFigures; bot: RoundFigures }[] = [];
// The windows of the measured rounds (after the warm-up); the memory turns that follow are not counted.
const firstMeasuredWindow = botRoundWindows.length;
for (let round = 1; round <= rounds; round++) {
  // Alternate which goes first, so neither always runs right after the other's garbage collection.
  const order = round % 2 === 1 ? [echo, bot] : [bot, echo];
  const figures: Partial<Record<'echo' | 'bot', RoundFigures>> = {};
  for (const target of order) {
    await connector.quiet(500);
    figures[target.name] = await busyChat(connector, target, turnsPerUser);
  }
  const r = figures as { echo: RoundFigures; bot: RoundFigures };
  results.push(r);
  console.log(
    `round ${round} (load ${loadAverage()}): echo p50 ${ms(r.echo.p50)} p99 ${ms(r.echo.p99)} ${r.echo.throughput.toFixed(0)} turns/s | ` +
      `bot p50 ${ms(r.bot.p50)} p99 ${ms(r.bot.p99)} ${r.bot.throughput.toFixed(0)} turns/s | ` +
      `p50 ×${(r.bot.p50 / r.echo.p50).toFixed(2)}, throughput ${((100 * r.bot.throughput) / r.echo.throughput).toFixed(0)} % | ` +
      `CPU per turn: echo ${r.echo.cpuPerTurn.toFixed(2)} ms, bot ${r.bot.cpuPerTurn.toFixed(2)} ms | ` +
      `connector calls per turn: echo ${r.echo.callsPerTurn.toFixed(2)}, bot ${r.bot.callsPerTurn.toFixed(2)}` +
      (r.echo.failures + r.bot.failures > 0 ? ` | failures echo ${r.echo.failures} bot ${r.bot.failures}` : ''),
  );
}

const med = (pick: (r: { echo: RoundFigures; bot: RoundFigures }) => number) => median(results.map(pick));
// --rounds 0 runs only the memory part (and the start-up).
if (results.length > 0) {
  console.log('\nmedian of rounds:');
  console.table({
    echo: {
      'p50 ms': +med((r) => r.echo.p50).toFixed(1),
      'p99 ms': +med((r) => r.echo.p99).toFixed(1),
      'turns/s': +med((r) => r.echo.throughput).toFixed(0),
    },
    bot: {
      'p50 ms': +med((r) => r.bot.p50).toFixed(1),
      'p99 ms': +med((r) => r.bot.p99).toFixed(1),
      'turns/s': +med((r) => r.bot.throughput).toFixed(0),
    },
  });
  console.log(
    `ratios (median of per-round ratios): turn p50 bot/echo ×${med((r) => r.bot.p50 / r.echo.p50).toFixed(2)} (goal ≤ 1.3), ` +
      `p99 ×${med((r) => r.bot.p99 / r.echo.p99).toFixed(2)}, throughput bot/echo ${(100 * med((r) => r.bot.throughput / r.echo.throughput)).toFixed(0)} % (goal ≥ 75 %); ` +
      `CPU per turn echo ${med((r) => r.echo.cpuPerTurn).toFixed(2)} ms, bot ${med((r) => r.bot.cpuPerTurn).toFixed(2)} ms (×${med((r) => r.bot.cpuPerTurn / r.echo.cpuPerTurn).toFixed(2)})`,
  );
}
const measuredBotWindows = botRoundWindows.slice(firstMeasuredWindow);
await echo.stop();

// Memory: RSS idle after start, then after memoryTurns more turns: right after, and every 5 s of idle up to
// --settle seconds (the bot gives its heap back after a quiet spell: src/health/idle-heap-release.ts).
if (memoryTurns > 0) {
  const perUser = Math.ceil(memoryTurns / users.length);
  const load = await busyChat(connector, bot, perUser);
  const after = bot.rssMb();
  const idleCpuBefore = bot.cpuMs();
  const trail: string[] = [];
  let settled = after;
  // A request arriving while the bot gives memory back waits for it: GET /healthz every 250 ms meanwhile shows
  // the longest such wait (a few % of the event loop, under what the bot counts as busy).
  const probe = probeHealth(bot.url, 250);
  for (let waited = 5; waited <= settleSeconds; waited += 5) {
    await sleep(5000);
    settled = bot.rssMb();
    trail.push(`${waited} s ${settled.toFixed(0)}`);
  }
  const health = await probe.stop();
  const over = (mb: number) => `${((100 * mb) / idleRss.bot - 100).toFixed(0)} %`;
  console.log(
    `\nbot memory: idle after start ${idleRss.bot.toFixed(0)} MB RSS (goal < 150; echo floor ${idleRss.echo.toFixed(0)} MB); ` +
      `after ${perUser * users.length} more turns (${load.throughput.toFixed(0)} turns/s, CPU ${load.cpuPerTurn.toFixed(2)} ms per turn, ${load.failures} failures) ${after.toFixed(0)} MB (${over(after)} over idle)\n` +
      `  idle after the load, MB RSS: ${trail.join(', ')}; ${settleSeconds} s later ${over(settled)} over idle (goal ≤ 20 %); ` +
      `bot CPU while idle ${(bot.cpuMs() - idleCpuBefore).toFixed(0)} ms; ` +
      `GET /healthz meanwhile: p50 ${ms(percentile(health, 50))}, slowest ${ms(Math.max(...health))} (${health.length} probes)`,
  );
}
await bot.stop();

// Start-up: `npm start` when nothing changed since the last build.
const startups: number[] = [];
for (let i = 0; i < starts; i++) startups.push(await npmStartToListening());
console.log(
  `\nnpm start → listening (nothing changed): ${startups.map((s) => ms(s)).join(', ')}; median ${ms(median(startups))} (goal < 5 s)`,
);
await connector.stop();
if (cpuProfileDir)
  console.log(
    `bot CPU profile in ${cpuProfileDir}; only the measured rounds: ` +
      `node --import tsx scripts/bench/profile-summary.ts <file> --window ${measuredBotWindows.join(',')}`,
  );
console.log(`load ${loadAverage()}`);
