// Parse the environment once into a frozen, typed object; report every problem at once, by variable name.
import { z } from 'zod';

const FIXTURE_APPROVER_GROUP = 'ed47e9ca-3c8d-5ba5-959b-7689aba891a8'; // "Power Platform Admins" in the reference tenant
const FIXTURE_SENIOR_GROUP = 'ba8fda5a-0602-56fe-a628-5f7d19e4933e'; // "Power Platform Senior Approvers"

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');
const port = z.coerce.number().int().min(0).max(65535);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const url = z.string().url();

const schema = z.object({
  NODE_ENV: z.string().default('development'),
  TENANT_MODE: z.enum(['simulated', 'live']).default('simulated'),
  PORT: port.default(3978),
  HOST: optionalText,
  TENANT_SIMULATOR_PORT: port.default(3979),
  /** A shared simulated tenant (`npm run simulator`) for several replicas; unset = start one inside, state in DATA_DIR. */
  TENANT_SIMULATOR_URL: optionalText.pipe(url.optional()),
  DATA_DIR: z.string().min(1).default('./.data'),
  /** postgres://… selects PostgreSQL (several replicas on one database); unset, SQLite under DATA_DIR. A secret. */
  DATABASE_URL: optionalText.refine(
    (v) => v === undefined || /^postgres(ql)?:\/\/./i.test(v),
    'must be a postgres:// connection string (unset for SQLite under DATA_DIR)',
  ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  // Bot registration: with no BOT_ID the bot runs unauthenticated on loopback only.
  BOT_ID: optionalText,
  BOT_PASSWORD: optionalText,
  BOT_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('SingleTenant'),
  BOT_TENANT_ID: optionalText,
  BOT_DOMAIN: optionalText,

  // The tenant the bot governs, and the app-only identity it uses for the admin APIs.
  TENANT_ID: guid.default('5ee02f6f-a6ba-5275-b785-41bc607c001c'),
  AAD_CLIENT_ID: optionalText,
  AAD_CLIENT_SECRET: optionalText,
  AAD_CERTIFICATE_PATH: optionalText,
  AAD_CERTIFICATE_THUMBPRINT: optionalText,
  AUTHORITY_HOST: url.default('https://login.microsoftonline.com'),
  BAP_BASE_URL: url.default('https://api.bap.microsoft.com'),
  POWERAPPS_BASE_URL: url.default('https://api.powerapps.com'),
  FLOW_BASE_URL: url.default('https://api.flow.microsoft.com'),
  GRAPH_BASE_URL: url.default('https://graph.microsoft.com'),

  APPROVER_GROUP_ID: guid.default(FIXTURE_APPROVER_GROUP),
  SENIOR_APPROVER_GROUP_ID: guid.default(FIXTURE_SENIOR_GROUP),
  POLICY_FILE: z.string().default('./policy/approval-policy.yaml'),
  // Lifecycle of pending requests and time-bound grants (durable jobs; see src/lifecycle).
  REMINDER_AFTER_HOURS: z.coerce.number().positive().max(720).default(24),
  /** Counted from the first reminder. */
  ESCALATE_AFTER_HOURS: z.coerce.number().positive().max(720).default(24),
  EXPIRE_AFTER_DAYS: z.coerce.number().positive().max(365).default(7),
  GRANT_REMINDER_HOURS_BEFORE: z
    .string()
    .default('48,1')
    .transform((v) => v.split(',').map((x) => Number(x.trim())))
    .refine((v) => v.every((n) => Number.isFinite(n) && n > 0), 'a comma-separated list of positive hours, e.g. 48,1'),
  /** How long a claimed job is a worker's before another may take it over (a crashed worker's job waits this long). */
  JOB_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  /** How long a crashed sender's conversation waits before another replica (or the restarted bot) sends to it. */
  OUTBOX_LANE_LEASE_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
  REVERT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
  /**
   * Retention (pruned every few hours by one replica): processed message ids and other de-duplication rows, kept
   * well past any Teams retry; conversation references nobody wrote from for this long and that no open request,
   * grant, channel setting or pending message still needs.
   */
  DEDUP_RETENTION_DAYS: z.coerce.number().min(1).max(3650).default(7),
  CONVERSATION_RETENTION_DAYS: z.coerce.number().min(1).max(3650).default(180),
  HTTP_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(4),
  // Governance feed (src/monitor): polling the admin APIs, and the Office 365 Management Activity webhook.
  MONITOR_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  /** Which changes to post: environments, dlp, connectors, roles, activity (comma-separated). */
  MONITOR_EVENT_KINDS: z
    .string()
    .default('environments,dlp,connectors,roles,activity')
    .transform((v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .refine(
      (v) => v.every((k) => ['environments', 'dlp', 'connectors', 'roles', 'activity'].includes(k)),
      'a comma-separated subset of environments,dlp,connectors,roles,activity',
    ),
  /** Only these environments (ids or display names, comma-separated); empty = all. */
  MONITOR_ENVIRONMENTS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  MANAGE_BASE_URL: url.default('https://manage.office.com'),
  /** Shared secret the activity feed sends as Webhook-AuthID; without it POST /api/activity-feed refuses all calls. */
  ACTIVITY_FEED_AUTH_ID: optionalText,
  /** Public https address of POST /api/activity-feed; when set the bot (re)starts the Audit.General subscription. */
  ACTIVITY_FEED_WEBHOOK_URL: optionalText,
  // Optional language-model intake: with a key, the model reads intent and names from each message; the
  // catalogue still resolves every name and the dialogue still asks back and confirms. Never logged.
  OPENAI_API_KEY: optionalText,
  /** An OpenAI-compatible endpoint (default: OpenAI's), e.g. https://example.org/v1. */
  OPENAI_BASE_URL: optionalText.pipe(url.optional()),
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  /** Azure OpenAI instead (wins over OPENAI_API_KEY when set): key, https endpoint and deployment name. */
  AZURE_OPENAI_API_KEY: optionalText,
  AZURE_OPENAI_ENDPOINT: optionalText.pipe(url.optional()),
  AZURE_OPENAI_DEPLOYMENT: optionalText,
  AZURE_OPENAI_API_VERSION: z.string().trim().min(1).default('2024-06-01'),
  /** After this long without an answer the deterministic parser reads the message instead. */
  INTAKE_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(8000),
});

/** Rules across variables, checked on the raw values so they are reported even when other fields are invalid. */
function crossFieldProblems(vars: Record<string, string | undefined>): string[] {
  const has = (name: string) => (vars[name]?.trim() ?? '') !== '';
  const problems: string[] = [];
  if (vars.TENANT_MODE === 'live') {
    if (!has('AAD_CLIENT_ID')) problems.push('AAD_CLIENT_ID: required when TENANT_MODE=live');
    if (!has('AAD_CLIENT_SECRET') && !has('AAD_CERTIFICATE_PATH'))
      problems.push('AAD_CLIENT_SECRET: set AAD_CLIENT_SECRET or AAD_CERTIFICATE_PATH when TENANT_MODE=live');
  }
  if (has('AAD_CERTIFICATE_PATH') && !has('AAD_CERTIFICATE_THUMBPRINT'))
    problems.push('AAD_CERTIFICATE_THUMBPRINT: required with AAD_CERTIFICATE_PATH');
  // Without BOT_ID nothing authenticates callers of /api/messages: only this machine may reach the bot, and it
  // never touches a real tenant.
  if (!has('BOT_ID')) {
    if (vars.TENANT_MODE === 'live')
      problems.push('BOT_ID: required when TENANT_MODE=live (without it nobody authenticates the callers)');
    const host = vars.HOST?.trim();
    if (host && !isLoopback(host))
      problems.push(`HOST: without BOT_ID the bot only listens on a loopback address (127.0.0.1, ::1), not ${host}`);
  }
  const botType = vars.BOT_TYPE?.trim() || 'SingleTenant';
  if (has('BOT_ID') && botType !== 'UserAssignedMSI' && !has('BOT_PASSWORD'))
    problems.push('BOT_PASSWORD: required when BOT_ID is set');
  if (has('BOT_ID') && botType === 'SingleTenant' && !has('BOT_TENANT_ID'))
    problems.push('BOT_TENANT_ID: required for a SingleTenant bot');
  if (has('AZURE_OPENAI_API_KEY')) {
    if (!has('AZURE_OPENAI_ENDPOINT')) problems.push('AZURE_OPENAI_ENDPOINT: required with AZURE_OPENAI_API_KEY');
    else if (!/^https:\/\//i.test(vars.AZURE_OPENAI_ENDPOINT?.trim() ?? ''))
      problems.push('AZURE_OPENAI_ENDPOINT: must be an https:// address');
    if (!has('AZURE_OPENAI_DEPLOYMENT')) problems.push('AZURE_OPENAI_DEPLOYMENT: required with AZURE_OPENAI_API_KEY');
  }
  return problems;
}

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The webhook secret committed in env/.env.local for the simulated feed; never accepted for a real tenant. */
export const LOCAL_ACTIVITY_FEED_AUTH_ID = 'local-activity-feed';

export type Config = Readonly<z.infer<typeof schema>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates a plain variable map (process.env merged with env/.env.<name>). Throws ConfigError listing every problem. */
export function parseConfig(vars: Record<string, string | undefined>): Config {
  const result = schema.safeParse(vars);
  const problems = [
    ...(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)),
    ...crossFieldProblems(vars),
  ];
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  const data = { ...result.data };
  // The committed local secret authenticates nothing outside the simulator: a live start without a real one
  // runs with the activity-feed webhook disabled (the bot says so at start).
  if (data.TENANT_MODE !== 'simulated' && data.ACTIVITY_FEED_AUTH_ID === LOCAL_ACTIVITY_FEED_AUTH_ID)
    data.ACTIVITY_FEED_AUTH_ID = undefined;
  return Object.freeze(data);
}

/** True when the bot must authenticate every request to /api/messages. */
export function isProduction(config: Config): boolean {
  return config.BOT_ID !== undefined;
}
