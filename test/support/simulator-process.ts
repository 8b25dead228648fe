// The simulated tenant as its own process (src/tenant/simulator/main.ts, what `npm run simulator` runs), for
// tests that need it to outlive, or die apart from, the bot processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface SimulatorProcess {
  url: string;
  child: ChildProcess;
  /** Its request log (GET /_simulator/requests). */
  requests(): Promise<{ method: string; path: string; query: string; status: number }[]>;
  /** Its tenant as saved (GET /_simulator/state). */
  state(): Promise<Record<string, unknown> & { environments: { name: string; displayName: string }[] }>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const MAIN = fileURLToPath(new URL('../../src/tenant/simulator/main.ts', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/src/tenant/simulator/main.js', import.meta.url));

export async function startSimulatorProcess(options: {
  dataDir: string;
  port?: number;
  env?: Record<string, string>;
  /** Run the build in dist/ (what `npm run simulator` runs) instead of the sources through tsx. */
  compiled?: boolean;
}): Promise<SimulatorProcess> {
  const child = spawn(process.execPath, options.compiled ? [BUILT] : ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      TENANT_SIMULATOR_PORT: String(options.port ?? 0),
      SIMULATOR_DATA_DIR: options.dataDir,
      SIMULATOR_FAULT_INJECTION: 'on',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code, signal) => reject(new Error(`simulator exited (${code ?? signal}): ${stderr}`)));
  });
  const getJson = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`);
    if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`);
    return (await res.json()) as T;
  };
  return {
    url,
    child,
    requests: async () => (await getJson<{ requests: never[] }>('/_simulator/requests')).requests,
    state: () => getJson('/_simulator/state'),
    stop: (signal: NodeJS.Signals = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
