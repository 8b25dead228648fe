// `npm run simulator`: the simulated tenant alone, so several bot replicas (TENANT_SIMULATOR_URL) share one
// tenant. Its state lives under SIMULATOR_DATA_DIR, so restarting it (or any bot) loses nothing.
import { resolve } from 'node:path';
import { startSimulator } from './server.js';

const port = Number(process.env['TENANT_SIMULATOR_PORT'] ?? 3979);
const host = process.env['TENANT_SIMULATOR_HOST'] ?? '127.0.0.1';
const dataDir = resolve(process.env['SIMULATOR_DATA_DIR'] ?? './.data/simulator');
const retryAfter = process.env['SIMULATOR_RETRY_AFTER_SECONDS'];
const lroSeconds = process.env['SIMULATOR_LRO_SECONDS'];
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`TENANT_SIMULATOR_PORT must be a port number, not '${process.env['TENANT_SIMULATOR_PORT']}'.\n`);
  process.exit(2);
}
const sim = await startSimulator({
  port,
  host,
  dataDir,
  // Only test set-ups switch this on: it lets any local process inject failures into the tenant.
  remoteFaultInjection: process.env['SIMULATOR_FAULT_INJECTION'] === 'on',
  ...(retryAfter !== undefined ? { retryAfterSeconds: Number(retryAfter) } : {}),
  // How long an environment creation takes when nobody polls it (default 60 s; tests shorten it).
  ...(lroSeconds !== undefined ? { lroSecondsToComplete: Number(lroSeconds) } : {}),
});
process.stdout.write(
  `Simulated tenant '${sim.state.tenant.displayName}' listening on ${sim.url} (state in ${dataDir})\n`,
);
const stop = () => {
  sim.close().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
