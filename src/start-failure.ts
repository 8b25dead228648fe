// What `npm start` prints when the bot cannot start for a reason the admin can fix: one sentence and the next
// step, instead of a stack trace (a port already taken, a policy file that does not load).
import type { Config } from './config/config.js';
import { PolicyFileError } from './policy/load-policy.js';

/** The message for a start failure the admin can fix, or undefined for anything else (shown as it is). */
export function startFailureMessage(error: unknown, config: Config): string | undefined {
  if (error instanceof PolicyFileError)
    return `${error.message}\nFix the file (or POLICY_FILE), then start again; \`npx govbot policy check\` checks it without starting.`;
  const e = error as { code?: unknown; port?: unknown; address?: unknown } | undefined;
  if (e?.code === 'EADDRINUSE') {
    const variable =
      e.port === config.TENANT_SIMULATOR_PORT && config.TENANT_MODE === 'simulated' ? 'TENANT_SIMULATOR_PORT' : 'PORT';
    const where = `${typeof e.address === 'string' ? e.address : 'this machine'}:${String(e.port ?? '?')}`;
    return `Port ${where} is already in use (another bot, or an earlier npm start still running). Stop it, or choose a free port with ${variable}, e.g. \`${variable}=${Number(e.port ?? 3978) + 10} npm start\` (or in env/.env.local.user).`;
  }
  return undefined;
}
