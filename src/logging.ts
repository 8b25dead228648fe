// One structured logger. Secrets never reach it: known secret-bearing fields are redacted by path.
import pino from 'pino';

export function createLogger(level: string): pino.Logger {
  return pino({
    level,
    base: { app: 'govbot' },
    redact: {
      paths: [
        '*.authorization',
        '*.Authorization',
        'headers.authorization',
        '*.access_token',
        '*.client_secret',
        '*.password',
        '*.BOT_PASSWORD',
        '*.DATABASE_URL',
        '*.AAD_CLIENT_SECRET',
        '*.OPENAI_API_KEY',
        '*.AZURE_OPENAI_API_KEY',
        'config.OPENAI_API_KEY',
        'config.AZURE_OPENAI_API_KEY',
        'config.BOT_PASSWORD',
        'config.DATABASE_URL',
        'config.AAD_CLIENT_SECRET',
      ],
      censor: '[redacted]',
    },
  });
}
