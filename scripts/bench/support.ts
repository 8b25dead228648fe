// Shared pieces of bench:turns and bench:approvals: the bot and the echo floor as child processes (compiled
// dist/, as `npm start` runs them), the Bot Connector double both reply to, activity builders, and figures.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { projectRoot } from '../../src/project-root.js';
import { type ConnectorCall, ConnectorDouble } from '../../test/support/connector-double.js';
import { TENANT_ID } from '../../test/support/fixture-ids.js';
import { startSimulatorProcess } from '../../test/support/simulator-process.js';

export interface Target {
  name: 'echo' | 'bot';
  url: string;
  pid: number;
  /** Spawn → "listening" line on stdout, in ms. */
  startMs: number;
  rssMb(): number;
  /** CPU time the process has used so far (user + system), in ms: unlike latency, not inflated by a busy machine. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** Starts a compiled entry point and waits for the line that prints its /api/messages URL. */
async function startProcess(
  name: Target['name'],
  args: string[],
  env: Record<string, string>,
  onExit?: () => void,
): Promise<Target & { child: ChildProcess }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: projectRoot(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A benchmark that fails half-way must not leave its bot running.
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);
  child.once('exit', () => process.removeListener('exit', killChild));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/[^\s]+)\/api\/messages/.exec(out);
      if (m?.[1]) {
        resolve(m[1]);
        out = '';
      } else if (out.length > 100_000) out = out.slice(-1000);
    });
    child.once('exit', (code) => {
      onExit?.();
      reject(new Error(`${name} exited (${code}) before listening: ${stderr}`));
    });
  });
  const startMs = performance.now() - started;
  const pid = child.pid ?? 0;
  return {
    name,
    url,
    pid,
    child,
    startMs,
    rssMb: () => rssMb(pid),
    cpuMs: () => cpuMs(pid),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** utime + stime of /proc/<pid>/stat (clock ticks, 100 per second on Linux). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function startEcho(): Promise<Target> {
  return startProcess('echo', ['dist/scripts/echo-bot.js'], { PORT: '0' });
}

/** The node flags `npm start` runs the bot with (package.json: "node <flags> dist/src/index.js"). */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.trim().split(/\s+/).slice(1, -1);
}

/**
 * The real bot as `npm start` runs it (dist/src/index.js, same node flags), on the simulated tenant, with a throw-away
 * data dir.
 * tenant 'inside' (default): the simulated tenant runs in the bot's process, as `npm start` does. 'own-process': as
 * `npm run simulator` (TENANT_SIMULATOR_URL), so the bot's CPU figures leave out the tenant's work, as with the real
 * tenant, which is remote; tenantCpuMs() then reads the tenant's process.
 */
export async function startBot(
  options: { cpuProfileDir?: string; tenant?: 'inside' | 'own-process' } = {},
): Promise<Target & { tenantCpuMs?: () => number; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'govbot-bench-'));
  const profile = options.cpuProfileDir
    ? [
        '--cpu-prof',
        '--cpu-prof-dir',
        options.cpuProfileDir,
        '--cpu-prof-interval',
        process.env.BENCH_PROFILE_INTERVAL_US ?? '1000',
      ]
    : [];
  const tenant =
    options.tenant === 'own-process'
      ? await startSimulatorProcess({ dataDir: join(dataDir, 'simulator'), compiled: true })
      : undefined;
  const cleanUp = () => rmSync(dataDir, { recursive: true, force: true });
  const target = await startProcess('bot', [...startFlags(), ...profile, 'dist/src/index.js'], {
    APP_ENV: 'local',
    TENANT_MODE: 'simulated',
    PORT: '0',
    TENANT_SIMULATOR_PORT: '0',
    ...(tenant ? { TENANT_SIMULATOR_URL: tenant.url } : {}),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  }).catch(async (error: unknown) => {
    await tenant?.stop();
    cleanUp();
    throw error;
  });
  const stop = target.stop;
  const tenantPid = tenant?.child.pid;
  return {
    ...target,
    dataDir,
    ...(tenantPid ? { tenantCpuMs: () => cpuMs(tenantPid) } : {}),
    stop: async () => {
      await stop();
      await tenant?.stop();
      cleanUp();
    },
  };
}

/** A Bot Connector double whose messages can be awaited per conversation without scanning every call. */
export class BenchConnector {
  readonly double = new ConnectorDouble();
  private waiting: { match: (c: ConnectorCall) => boolean; resolve: (c: ConnectorCall) => void }[] = [];
  /** Also told of every call (e.g. to time when each approval card reached the approvals channel). */
  readonly observers: ((call: ConnectorCall) => void)[] = [];
  lastCallAt = 0;
  received = 0;

  async start(): Promise<string> {
    this.double.record = false;
    this.double.onCall = (call) => {
      this.lastCallAt = performance.now();
      this.received++;
      for (const observe of this.observers) observe(call);
      const i = this.waiting.findIndex((w) => w.match(call));
      if (i >= 0) {
        const [w] = this.waiting.splice(i, 1);
        w?.resolve(call);
      }
    };
    await this.double.start();
    return this.double.url;
  }

  /** The next call that matches (register before sending what causes it). */
  next(match: (c: ConnectorCall) => boolean): Promise<ConnectorCall> {
    return new Promise((resolve) => this.waiting.push({ match, resolve }));
  }

  /** Resolves once nothing has arrived for quietMs (background work of the previous step has settled). */
  async quiet(quietMs = 1500, maxMs = 60_000): Promise<void> {
    const until = performance.now() + maxMs;
    this.lastCallAt = performance.now();
    while (performance.now() < until && performance.now() - this.lastCallAt < quietMs) await sleep(100);
  }

  stop(): Promise<void> {
    return this.double.stop();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type User = { id: string; name: string };

export function personalConversationId(user: User): string {
  return `a:personal-${user.id}`;
}

function from(user: User) {
  return { id: `29:${user.id}`, name: user.name, aadObjectId: user.id };
}

function base(serviceUrl: string) {
  return { serviceUrl, channelId: 'msteams', recipient: { id: '28:governance-bot', name: 'Governance' } };
}

export function personalMessage(serviceUrl: string, user: User, text: string): Record<string, unknown> {
  return {
    ...base(serviceUrl),
    type: 'message',
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    from: from(user),
    conversation: { id: personalConversationId(user), conversationType: 'personal', tenantId: TENANT_ID },
    channelData: { tenant: { id: TENANT_ID } },
    text,
  };
}

export function channelActivity(
  serviceUrl: string,
  user: User,
  team: { id: string; name: string },
  channelId: string,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  return {
    ...base(serviceUrl),
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    from: from(user),
    conversation: { id: channelId, conversationType: 'channel', isGroup: true, tenantId: TENANT_ID },
    channelData: { team, channel: { id: channelId }, tenant: { id: TENANT_ID } },
    ...extra,
  };
}

export async function post(url: string, activity: Record<string, unknown>): Promise<{ status: number; body: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
      return { status: res.status, body: await res.text() };
    } catch (error) {
      // A kept-alive socket the server closed as the request left (ECONNRESET before any answer): the request was
      // not read, so it is sent again, as Teams' own client would.
      const code = ((error as Error).cause as { code?: string } | undefined)?.code;
      if (attempt >= 3 || code !== 'ECONNRESET') throw error;
    }
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export const ms = (n: number) => `${n.toFixed(1)} ms`;

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** Runs tasks with at most `lanes` in flight. */
export async function inLanes<T>(items: T[], lanes: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(lanes, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await run(item);
      }
    }),
  );
}

/** The word after `--name` on the command line, or undefined. */
export function argText(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export function argNumber(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(value) ? value : fallback;
}
