// The bot as `npm start` runs it on the embedded defaults (SQLite, simulated tenant, no Azure account), on free
// ports and a throw-away data folder, quiet: for the Playground tests and the card screenshots.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBot, type StartOptions, startGovernanceBot } from '../../src/app.js';
import { parseConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logging.js';

export interface SimulatedBot {
  bot: RunningBot;
  dataDir: string;
  /** Stops the bot and removes its data folder. */
  stop(): Promise<void>;
}

export async function startSimulatedBot(
  dataDirPrefix: string,
  options: Omit<StartOptions, 'log'> = {},
): Promise<SimulatedBot> {
  const dataDir = mkdtempSync(join(tmpdir(), dataDirPrefix));
  const config = parseConfig({
    TENANT_MODE: 'simulated',
    PORT: '0',
    TENANT_SIMULATOR_PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
  });
  const bot = await startGovernanceBot(config, { log: createLogger('silent'), workerPollMs: 100, ...options });
  return {
    bot,
    dataDir,
    async stop() {
      await bot.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
