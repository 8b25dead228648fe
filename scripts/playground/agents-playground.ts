// Starts the Microsoft 365 Agents Playground (@microsoft/m365agentsplayground) against a bot endpoint with one
// of the committed configs (playground/*.yml), and waits until it answers. Shared by `npm run playground`
// and the browser tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../../src/project-root.js';

const require = createRequire(import.meta.url);

export type PlaygroundRole = 'maker' | 'approver';

export function playgroundConfigPath(role: PlaygroundRole): string {
  return join(projectRoot(), 'playground', `${role}.yml`);
}

export interface RunningPlayground {
  url: string;
  process: ChildProcess;
  /** Everything the Playground printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startAgentsPlayground(options: {
  botEndpoint: string;
  role?: PlaygroundRole;
  configPath?: string;
  port?: number;
  logFile?: string;
  /** Let the Playground open a browser itself (never in tests). */
  openBrowser?: boolean;
  timeoutMs?: number;
}): Promise<RunningPlayground> {
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
  const port = options.port ?? (await freePort());
  const loopbackOnly = join(projectRoot(), 'scripts', 'playground', 'loopback-only.cjs');
  const args = ['--require', loopbackOnly, cli, '-e', options.botEndpoint, '-c', 'msteams', '--disable-telemetry'];
  args.push('-p', String(port));
  const child = spawn(process.execPath, args, {
    cwd: projectRoot(),
    env: {
      ...process.env,
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: options.configPath ?? playgroundConfigPath(options.role ?? 'maker'),
      ...(options.logFile ? { M365_AGENTS_PLAYGROUND_LOGFILE: options.logFile } : {}),
      ...(options.openBrowser ? {} : { TEAMSAPPTESTER_BROWSER: 'none' }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Never leave a Playground behind when this process ends without stopping it (a crash, a failed test run).
  const orphanGuard = () => child.kill('SIGTERM');
  process.once('exit', orphanGuard);
  child.once('exit', () => process.removeListener('exit', orphanGuard));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  // It picks another port silently when the one asked for is taken: trust its "Listening on N" line.
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The Agents Playground exited (${child.exitCode}):\n${output}`);
    const listening = /Listening on (\d+)/.exec(output)?.[1];
    if (listening) {
      const url = `http://localhost:${listening}`; // it listens on 127.0.0.1 only (loopback-only.cjs)
      const pong = await fetch(`${url}/_debug/ping`)
        .then((r) => r.text())
        .catch(() => '');
      if (pong.includes('pong')) return { url, process: child, output: () => output, stop };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`The Agents Playground did not start within ${options.timeoutMs ?? 30_000} ms:\n${output}`);
}

export interface PlaygroundPair {
  maker: RunningPlayground;
  approver: RunningPlayground;
  stop(): Promise<void>;
}

/**
 * A maker's and an approver's Playground side by side, both in front of the same bot. Each keeps its own
 * conversations for as long as it runs, and the bot answers each conversation through the Playground it came
 * from, so switching roles is switching windows: nothing is lost, and the approver acts on the very card the
 * maker's request produced. (Restarting one Playground as the other role would start with empty chats.)
 */
export async function startPlaygroundPair(options: {
  botEndpoint: string;
  makerPort?: number;
  approverPort?: number;
  logDir?: string;
  timeoutMs?: number;
  /** Let this role's Playground open a browser (never in tests). */
  openBrowserAs?: PlaygroundRole;
}): Promise<PlaygroundPair> {
  const start = (role: PlaygroundRole, port: number | undefined) =>
    startAgentsPlayground({
      botEndpoint: options.botEndpoint,
      role,
      ...(port !== undefined ? { port } : {}),
      ...(options.logDir ? { logFile: join(options.logDir, `playground-${role}.log`) } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      openBrowser: options.openBrowserAs === role,
    });
  // One after the other: each picks another port when its own is taken, and must not pick the other's.
  const approver = await start('approver', options.approverPort);
  const maker = await start('maker', options.makerPort).catch(async (error: unknown) => {
    await approver.stop();
    throw error;
  });
  return {
    maker,
    approver,
    async stop() {
      await Promise.all([maker.stop(), approver.stop()]);
    },
  };
}
