// `npm start`: load env/.env.<APP_ENV> (default local), validate it, run the bot until a signal.
import { startGovernanceBot } from './app.js';
import { type Config, ConfigError } from './config/config.js';
import { loadConfig } from './config/load-env.js';
import { startIdleHeapRelease } from './health/idle-heap-release.js';
import { releaseStartUpGarbage } from './health/start-up-garbage.js';
import { createLogger } from './logging.js';
import { startFailureMessage } from './start-failure.js';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  // Start-up's garbage goes back to the system before the bot listens (the process's memory: here, not in every
  // startGovernanceBot, since tests start many bots in one process).
  const bot = await startGovernanceBot(config, { beforeListening: releaseStartUpGarbage }).catch((error: unknown) => {
    const message = startFailureMessage(error, config);
    if (!message) throw error;
    console.error(message);
    process.exit(1);
  });
  console.log(`Power Platform governance bot: ${bot.url}/api/messages (tenant: ${config.TENANT_MODE})`);
  // The process's memory, not one bot's: here, not in startGovernanceBot (tests start many bots in one process).
  const log = createLogger(config.LOG_LEVEL);
  const heapRelease = startIdleHeapRelease({
    onRelease: (figures) => log.debug(figures, 'idle: heap given back'),
    onError: (error) => log.warn({ err: (error as Error).message }, 'idle heap release stopped'),
  });
  const shutdown = async () => {
    heapRelease.stop();
    await bot.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void main();
