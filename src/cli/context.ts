// What every govbot command needs: the validated config (loaded exactly as `npm start` does), the store under
// DATA_DIR (or the PostgreSQL database of DATABASE_URL) opened for the command's duration only, and where to write. The bot may be running: SQLite WAL lets
// this process read (and make small writes such as `outbox retry`) without blocking it.

import { join, resolve } from 'node:path';
import type { Config } from '../config/config.js';
import { loadConfig } from '../config/load-env.js';
import type { Store } from '../requests/ports/store.js';
import { openStore } from '../storage/open-store.js';
import { DATABASE_FILENAME } from '../storage/sqlite-store.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface CliContext {
  io: CliIo;
  now: () => Date;
  config(): Config;
  /** Opens the store, runs fn, always closes it. */
  withStore<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  /** Which database the commands read, for messages such as "no requests in …". */
  storeLocation(): string;
}

export function createCliContext(io: CliIo, dataDirOverride?: () => string | undefined): CliContext {
  let config: Config | undefined;
  const ctx: CliContext = {
    io,
    now: () => new Date(),
    config() {
      config ??= loadConfig();
      return config;
    },
    storeLocation() {
      const dataDir = dataDirOverride?.();
      if (!dataDir && ctx.config().DATABASE_URL) return 'the PostgreSQL database of DATABASE_URL';
      return join(resolve(dataDir ?? ctx.config().DATA_DIR), DATABASE_FILENAME);
    },
    async withStore(fn) {
      const dataDir = dataDirOverride?.();
      // --data-dir names a SQLite folder explicitly; otherwise the same database as the bot (DATABASE_URL or DATA_DIR).
      const store = await openStore(dataDir ? { DATA_DIR: dataDir } : ctx.config());
      try {
        return await fn(store);
      } finally {
        await store.close();
      }
    },
  };
  return ctx;
}

/** Exit status for a command that found a problem (a broken chain, a missing request). */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function printJson(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}
