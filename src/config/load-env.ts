// Teams-Toolkit-style env files: env/.env.<name> (committed, no secrets) then env/.env.<name>.user (git-ignored secrets).
// Real process variables win over both, so CI and containers can override anything.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { type Config, parseConfig } from './config.js';

export function readEnvFiles(envName: string, envDir = 'env'): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const file of [`.env.${envName}`, `.env.${envName}.user`]) {
    const path = join(envDir, file);
    if (existsSync(path)) Object.assign(merged, parse(readFileSync(path)));
  }
  return merged;
}

export function loadConfig(envName = process.env.APP_ENV ?? 'local', envDir = 'env'): Config {
  return parseConfig({ ...readEnvFiles(envName, envDir), ...process.env });
}
