// Runs the real bot (`src/index.ts`, as `npm start` runs it, through tsx) as a child process against a simulated
// tenant and a Bot Connector double that outlive it, so a crash test can arm a failpoint (src/failpoints.ts), let
// the process die by SIGKILL right there, and start it again on the same data directory.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FailpointName } from '../../src/failpoints.js';

export interface BotProcess {
  url: string;
  child: ChildProcess;
  /** Resolves when the process has ended, with its exit code or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  /** Ends it with SIGTERM (a clean stop) and waits. */
  stop(): Promise<void>;
}

export interface BotProcessOptions {
  dataDir: string;
  simulatorUrl: string;
  /** Armed failpoints (GOVBOT_FAILPOINTS), e.g. ['execution.after-grant']. */
  failpoints?: FailpointName[];
  /** File each reached armed failpoint appends its name to (GOVBOT_FAILPOINT_LOG). */
  failpointLog?: string;
  env?: Record<string, string>;
  /** How long to wait for it to listen (default 120 s). */
  startTimeoutMs?: number;
  /** Run the build in dist/ (`npm start` exactly; faster to start) instead of the sources through tsx. */
  compiled?: boolean;
}

const ROOT = join(import.meta.dirname, '..', '..');

export async function startBotProcess(options: BotProcessOptions): Promise<BotProcess> {
  const entry = options.compiled ? [join('dist', 'src', 'index.js')] : ['--import', 'tsx', join('src', 'index.ts')];
  const child = spawn(process.execPath, entry, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      APP_ENV: 'local',
      TENANT_MODE: 'simulated',
      TENANT_SIMULATOR_URL: options.simulatorUrl,
      PORT: '0',
      DATA_DIR: options.dataDir,
      LOG_LEVEL: 'warn',
      // A crashed worker's job is taken over after 2 s instead of 5 minutes.
      JOB_LEASE_SECONDS: '2',
      // …and a crashed sender's conversations are sent to again after 2 s.
      OUTBOX_LANE_LEASE_SECONDS: '2',
      ACTIVITY_FEED_WEBHOOK_URL: '',
      GOVBOT_FAILPOINTS: (options.failpoints ?? []).join(','),
      GOVBOT_FAILPOINT_LOG: options.failpointLog ?? '',
      ...options.env,
    },
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    // Generous: on a loaded CI machine loading the bot through tsx can take tens of seconds.
    const ms = options.startTimeoutMs ?? 120_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`the bot did not start in ${ms} ms:
${out}`),
      );
    }, ms);
    const look = () => {
      const m = /governance bot: (http:\/\/[^\s]+)\/api\/messages/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', look);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the bot ended before listening (code ${code}, signal ${signal}):\n${out}`));
    });
  });
  return {
    url,
    child,
    exited,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The failpoints reached, in order, as the child processes logged them. */
export function failpointHits(log: string): string[] {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

/** Waits for the process to die at the armed failpoint; fails if it never got there or ended another way. */
export async function diedAt(bot: BotProcess, log: string, point: FailpointName, timeoutMs = 20_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`failpoint ${point} was never hit in ${timeoutMs} ms:\n${bot.output()}`)),
      timeoutMs,
    );
  });
  try {
    const { signal, code } = await Promise.race([bot.exited, timeout]);
    if (signal !== 'SIGKILL') throw new Error(`the bot ended with code ${code}, signal ${signal}:\n${bot.output()}`);
  } finally {
    clearTimeout(timer);
  }
  const hits = failpointHits(log);
  if (hits.at(-1) !== point)
    throw new Error(`expected to die at ${point}; failpoints hit: ${hits.join(', ') || 'none'}`);
}
