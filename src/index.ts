// `npm start`: load env/.env.<APP_ENV> (default local), validate it, run the bot until a signal.
import { startGovernanceBot } from './app.js';
import { type Config, ConfigError } from './config/config.js';
import { loadConfig } from './config/load-env.js';
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
  const bot = await startGovernanceBot(config).catch((error: unknown) => {
    const message = startFailureMessage(error, config);
    if (!message) throw error;
    console.error(message);
    process.exit(1);
  });
  console.log(`Power Platform governance bot: ${bot.url}/api/messages (tenant: ${config.TENANT_MODE})`);
  const shutdown = async () => {
    await bot.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void main();
