import { startSimulator } from './server.js';

/** Standalone simulated tenant: `node --import tsx src/tenant/simulator/main.ts`. */
const port = Number(process.env['TENANT_SIMULATOR_PORT'] ?? 3979);
const host = process.env['TENANT_SIMULATOR_HOST'] ?? '127.0.0.1';
const sim = await startSimulator({ port, host });
process.stdout.write(`Simulated tenant '${sim.state.tenant.displayName}' listening on ${sim.url}\n`);
const stop = () => {
  sim.close().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
