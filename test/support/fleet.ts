// A scale-out deployment in miniature, every part a real process or a real protocol: one throw-away PostgreSQL
// database, one simulated tenant process (its state on disk), N bot processes (`src/index.ts`, as `npm start`
// runs it) on their own ports, a round-robin proxy in front of them, and a Bot Connector double that answers 429
// whenever Teams' per-conversation windows are exceeded. Lease and poll intervals are short so failover shows
// in seconds.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TeamsClient, teamsClient } from './bot-harness.js';
import { type BotProcess, startBotProcess } from './bot-process.js';
import { ConnectorDouble } from './connector-double.js';
import { ReplicaProxy } from './replica-proxy.js';
import { seedTenantWithMakers } from './seed-tenant.js';
import { type SimulatorProcess, startSimulatorProcess } from './simulator-process.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface FleetOptions {
  databaseUrl: string;
  replicas?: number;
  /** Extra environment for every replica (e.g. shorter leases). */
  env?: Record<string, string>;
  /** Failpoints armed in every replica, e.g. ['execution.after-grant:stop'] (name[@N][:stop]). */
  failpoints?: string[];
  /** Licensed makers added to the reference tenant (seededMaker(1..n)). */
  makers?: number;
}

export interface Fleet {
  simulator: SimulatorProcess;
  connector: ConnectorDouble;
  proxy: ReplicaProxy;
  replicas: (BotProcess | undefined)[];
  /** Teams' side: activities through the proxy, answers at the connector double. */
  teams: TeamsClient;
  dataDir: string;
  failpointLog: string;
  /** Starts (again) replica i on a port of its own. */
  startReplica(index: number): Promise<BotProcess>;
  /**
   * Arms these failpoints (name[@N][:stop]) in the running replicas at once (all, or those listed), replacing what
   * was armed, through each replica's failpoint control file (GOVBOT_FAILPOINTS_FILE): no restart. [] disarms.
   */
  arm(failpoints: string[], only?: number[]): void;
  /** Lets stopped replicas run again and starts again those that died (killed by a failpoint). */
  reviveDead(): Promise<void>;
  /** `govbot audit verify` against the fleet's database: its exit code and what it printed. */
  auditVerify(): Promise<{ code: number | null; output: string }>;
  stop(): Promise<void>;
}

/** Env every replica shares: the database, the shared tenant, short leases and polls. */
export function replicaEnv(options: FleetOptions, simulatorUrl: string): Record<string, string> {
  return {
    DATABASE_URL: options.databaseUrl,
    TENANT_SIMULATOR_URL: simulatorUrl,
    JOB_LEASE_SECONDS: '2',
    // The shortest poll the config allows, so the monitor's failover (within one interval) shows in seconds.
    MONITOR_INTERVAL_SECONDS: '10',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
}

/** True when dist/ was built after the last change in src/ (npm test builds first), so replicas may run it. */
export function buildIsFresh(): boolean {
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  try {
    return statSync(join(ROOT, 'dist', 'src', 'index.js')).mtimeMs > newest(join(ROOT, 'src'));
  } catch {
    return false;
  }
}

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const dataDir = mkdtempSync(join(tmpdir(), 'govbot-fleet-'));
  const compiled = buildIsFresh();
  const failpointLog = join(dataDir, 'failpoints.log');
  const count = options.replicas ?? 3;
  const failpointControl = (i: number) => join(dataDir, `failpoints-${i}.armed`);
  // Each file written whole and renamed into place, so a replica never reads half a spec.
  const arm = (failpoints: string[], only?: number[]) => {
    for (let i = 0; i < count; i++) {
      const file = failpointControl(i);
      writeFileSync(`${file}.tmp`, only === undefined || only.includes(i) ? failpoints.join(',') : '');
      renameSync(`${file}.tmp`, file);
    }
  };
  arm(options.failpoints ?? []);
  if (options.makers) seedTenantWithMakers(join(dataDir, 'simulator'), options.makers);
  const simulator = await startSimulatorProcess({
    dataDir: join(dataDir, 'simulator'),
    env: { SIMULATOR_RETRY_AFTER_SECONDS: '0', SIMULATOR_LRO_SECONDS: '3' },
    compiled,
  });
  const connector = new ConnectorDouble();
  connector.enforceTeamsLimits = true;
  await connector.start();
  const replicas: (BotProcess | undefined)[] = new Array(count).fill(undefined);
  const proxy = new ReplicaProxy([]);
  await proxy.start();

  const stopReplicas = async () => {
    for (const r of replicas) {
      // A stopped (SIGSTOP) replica cannot handle SIGTERM: let it run again first.
      r?.child.kill('SIGCONT');
      await r?.stop();
    }
  };
  const fleet: Fleet = {
    simulator,
    connector,
    proxy,
    replicas,
    teams: teamsClient(proxy.url, connector),
    dataDir,
    failpointLog,
    async startReplica(index) {
      const bot = await startBotProcess({
        // Each replica its own folder: nothing may be shared through the file system, only through PostgreSQL.
        dataDir: join(dataDir, `replica-${index}`),
        simulatorUrl: simulator.url,
        failpointLog,
        startTimeoutMs: 180_000,
        // Three tsx start-ups at once take minutes on a busy 2-core machine; the fresh build starts in seconds.
        compiled,
        env: { ...replicaEnv(options, simulator.url), GOVBOT_FAILPOINTS_FILE: failpointControl(index) },
      });
      replicas[index] = bot;
      proxy.setTargets(replicas.filter((r): r is BotProcess => r !== undefined).map((r) => r.url));
      return bot;
    },
    arm,
    async reviveDead() {
      await Promise.all(
        replicas.map(async (r, i) => {
          if (!r) return;
          r.child.kill('SIGCONT');
          if (r.child.exitCode !== null || r.child.signalCode !== null) await fleet.startReplica(i);
        }),
      );
    },
    auditVerify: () =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', join('src', 'cli', 'main.ts'), 'audit', 'verify'], {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH ?? '',
            DATABASE_URL: options.databaseUrl,
            DATA_DIR: dataDir,
            LOG_LEVEL: 'warn',
          },
        });
        let output = '';
        child.stdout.on('data', (d: Buffer) => {
          output += d.toString();
        });
        child.stderr.on('data', (d: Buffer) => {
          output += d.toString();
        });
        child.on('exit', (code) => resolve({ code, output }));
      }),
    async stop() {
      await stopReplicas();
      await proxy.stop();
      await connector.stop();
      await simulator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(replicas.map((_, i) => fleet.startReplica(i)));
  } catch (error) {
    await fleet.stop().catch(() => undefined);
    throw error;
  }
  return fleet;
}
