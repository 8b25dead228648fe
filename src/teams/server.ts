// HTTP: restify serving POST /api/messages. Unauthenticated local runs bind loopback only.

import type { Application, TurnState } from '@microsoft/teams-ai';
import { type Activity, ActivityTypes, INVOKE_RESPONSE_KEY, type TurnContext } from 'botbuilder';
import './quiet-restify-warning.js'; // before restify, which trips DEP0111 while loading
// The SDK's process() step that turns an activity's timestamps into dates (botbuilder's index does not export it).
import { validateAndFixActivity } from 'botbuilder/lib/activityValidator.js';
import restify from 'restify';
import type { ReadinessReport } from '../health/readiness.js';
import type { AuthenticateRequestResult, GovernanceAdapter } from './adapter.js';
import type { Foreground } from './foreground.js';

export interface BotServer {
  url: string;
  close(): Promise<void>;
}

export async function startBotServer(
  adapter: GovernanceAdapter,
  app: Application<TurnState>,
  options: {
    port: number;
    host: string;
    extraRoutes?: (server: restify.Server) => void;
    /**
     * Checked after authentication, before the bot sees the activity: a sentence refuses it (an invoke gets 403
     * with it, a message no reply). Used for activities from another tenant or another channel than Teams.
     */
    refuseActivity?: (activity: Activity) => Promise<string | undefined>;
    /**
     * Where replies may go. Unauthenticated (no BOT_ID), no token vouches for serviceUrl, so replies are kept to
     * local addresses: a forged activity cannot make the bot post to another host.
     */
    serviceUrlAllowed?: ((url: URL) => boolean) | undefined;
    /** GET /readyz: 200 when every dependency answers, else 503 (the load balancer stops sending traffic). */
    readiness?: () => Promise<ReadinessReport>;
    /**
     * With a bot registration: the token is checked here, before the turn. A request without one or with one the
     * SDK refuses is answered 401, and one that could not be checked (Bot Framework's signing keys could not be
     * fetched) 503, with a JSON error and one log line. The SDK's own process() printed the error's stack to stderr
     * for every such request (anyone on the internet can send them) and answered a failed key fetch 500 with the
     * network error's text.
     */
    requireBearerToken?: boolean;
    /** Where a refused or unchecked token is noted (one line, never the token). */
    log?: { warn(fields: Record<string, unknown>, message: string): void };
    /** Counts invokes until answered, so background work waits for them (see foreground.ts). */
    foreground?: Foreground;
  },
): Promise<BotServer> {
  const server = restify.createServer({ name: 'power-platform-governance-bot', handleUncaughtExceptions: false });
  // JSON only (every Bot Framework activity is JSON), and read before the token check: restify's bodyParser also took
  // multipart bodies, which it streams to files in the temp folder, past maxBodySize, and never deletes (anyone
  // could fill the disk without a token), and form or CSV bodies. Any other body stays unparsed and gets 400 below.
  server.use(restify.plugins.bodyReader({ maxBodySize: 1024 * 1024 }));
  server.use(restify.plugins.jsonBodyParser({ bodyReader: true }));
  // One activity's turn: refused (another tenant), or run by the application.
  const turn = async (context: TurnContext): Promise<void> => {
    const refused = await options.refuseActivity?.(context.activity);
    if (refused) {
      if (context.activity.type === ActivityTypes.Invoke)
        await context.sendActivity({
          type: ActivityTypes.InvokeResponse,
          value: {
            status: 403,
            body: { error: { code: 'Forbidden', message: refused } },
          },
        });
      return;
    }
    await app.run(context);
    // An invoke nobody answered (an unknown name, an action without a verb) is a bad request, not the SDK's 501.
    if (context.activity.type === ActivityTypes.Invoke && !context.turnState.get(INVOKE_RESPONSE_KEY))
      await context.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: {
          status: 400,
          body: { error: { code: 'UnsupportedInvoke', message: 'This invoke is not handled.' } },
        },
      });
  };
  server.post('/api/messages', async (req, res) => {
    if (options.requireBearerToken && !/^Bearer \S+$/i.test(String(req.headers.authorization ?? ''))) {
      res.send(401, {
        error: {
          code: 'Unauthorized',
          message: 'Every activity must carry a Bot Framework token (Authorization: Bearer).',
        },
      });
      return;
    }
    // A body that is not an activity gets a clear 400 instead of the SDK's 500 (which echoes the error message
    // of whatever broke on the missing field). Every Bot Framework activity names its sender and conversation.
    if (!isActivityShape(req.body)) {
      res.send(400, {
        error: {
          code: 'BadActivity',
          message:
            'The body must be a Bot Framework activity: a type, an http(s) serviceUrl, a from.id, a conversation.id, and fields of the right types.',
        },
      });
      return;
    }
    if (options.serviceUrlAllowed && !options.serviceUrlAllowed(new URL(req.body.serviceUrl))) {
      res.send(403, {
        error: {
          code: 'ServiceUrlNotAllowed',
          message: 'Without a bot registration (BOT_ID) this bot replies only to a serviceUrl on this machine.',
        },
      });
      return;
    }
    // One path with a registration or without: the SDK's process() in front of it only validated the body again
    // (isActivityShape above does it; its zod pass copied the whole activity twice, ~10 % of an unknown-verb invoke's
    // CPU in bench:stack) and answered a failure with its message. Without a registration there is no token: the
    // SDK's check of an empty header gives the anonymous identity, as it did inside process().
    const authorization = String(req.headers.authorization ?? '');
    const process = () => runChecked(adapter, req.body as Activity, authorization, res, turn, options.log);
    const { foreground } = options;
    await (foreground && req.body.type === 'invoke' ? foreground.invoke(process) : process());
  });
  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    next();
  });
  server.get('/readyz', async (_req, res) => {
    const report = options.readiness ? await options.readiness() : { ready: true, checks: [] };
    // Names and pass/fail only: the reasons (hosts, drivers' messages) go to the log, not to an open endpoint.
    res.send(report.ready ? 200 : 503, {
      status: report.ready ? 'ready' : 'not ready',
      checks: Object.fromEntries(report.checks.map((c) => [c.name, c.ok ? 'ok' : 'failing'])),
    });
  });
  options.extraRoutes?.(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return {
    url: `http://${options.host}:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** process() of the SDK, with the token's refusal answered here (see requireBearerToken). */
async function runChecked(
  adapter: GovernanceAdapter,
  activity: Activity,
  authorization: string,
  res: restify.Response,
  turn: (context: TurnContext) => Promise<void>,
  log: { warn(fields: Record<string, unknown>, message: string): void } | undefined,
): Promise<void> {
  let authenticated: AuthenticateRequestResult;
  try {
    authenticated = await adapter.authenticate(activity, authorization);
  } catch (error) {
    // The SDK's AuthenticationError says 401 for a token it refuses; a failed key fetch is a 500 one or a network error.
    const refused = (error as { statusCode?: unknown }).statusCode === 401;
    const token = authorization.replace(/^Bearer /i, '');
    log?.warn(
      { err: String((error as Error).message).replaceAll(token, '[token]'), type: activity.type },
      refused
        ? 'activity refused: invalid Bot Framework token'
        : 'activity not checked: Bot Framework keys unavailable',
    );
    if (refused)
      res.send(401, { error: { code: 'Unauthorized', message: 'The Bot Framework token was not accepted.' } });
    else
      res.send(503, {
        error: {
          code: 'TokenCheckUnavailable',
          message: "The bot could not fetch Bot Framework's signing keys to check the token; try again later.",
        },
      });
    return;
  }
  // From here as the SDK's process(): the activity's timestamps as dates, then the turn and its invoke response.
  try {
    const answer = await adapter.runAuthenticated(authenticated, validateAndFixActivity(activity), turn);
    res.status(answer?.status ?? 200);
    if (answer?.body) res.send(answer.body);
    res.end();
  } catch (error) {
    log?.warn({ err: (error as Error).message, type: activity.type }, 'activity failed before or after its turn');
    res.send(500, { error: { code: 'InternalError', message: 'The bot could not process this activity.' } });
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optional = (v: unknown, test: (x: unknown) => boolean) => v === undefined || test(v);
const isString = (v: unknown) => typeof v === 'string';
const withStringId = (v: unknown) => isObject(v) && optional(v.id, isString);

/** A reply goes back to serviceUrl: it must be an absolute http(s) address. */
function usableServiceUrl(v: unknown): boolean {
  if (typeof v !== 'string' || v.length > 2048) return false;
  try {
    const url = new URL(v);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * Every field the SDK or the bot reads, with the type it must have. Anything else is a malformed activity and
 * gets 400 before the SDK sees it (it would otherwise fail deep inside with a 500).
 */
function isActivityShape(body: unknown): boolean {
  if (!isObject(body)) return false;
  const a = body;
  const from = a.from;
  const conversation = a.conversation;
  const channelData = a.channelData;
  return (
    typeof a.type === 'string' &&
    a.type !== '' &&
    usableServiceUrl(a.serviceUrl) &&
    isObject(from) &&
    typeof from.id === 'string' &&
    from.id !== '' &&
    optional(from.name, isString) &&
    optional(from.aadObjectId, isString) &&
    isObject(conversation) &&
    typeof conversation.id === 'string' &&
    conversation.id !== '' &&
    optional(conversation.conversationType, isString) &&
    optional(conversation.tenantId, isString) &&
    optional(conversation.isGroup, (v) => typeof v === 'boolean') &&
    optional(a.channelId, isString) &&
    optional(a.id, isString) &&
    optional(a.replyToId, isString) &&
    optional(a.name, isString) &&
    optional(a.text, (v) => v === null || isString(v)) &&
    optional(a.locale, isString) &&
    optional(a.timestamp, isString) &&
    optional(a.recipient, withStringId) &&
    optional(a.entities, (v) => Array.isArray(v) && v.every(isObject)) &&
    optional(a.attachments, (v) => Array.isArray(v) && v.every(isObject)) &&
    optional(a.membersAdded, (v) => Array.isArray(v) && v.every(withStringId)) &&
    optional(a.membersRemoved, (v) => Array.isArray(v) && v.every(withStringId)) &&
    optional(
      channelData,
      (v) =>
        isObject(v) &&
        optional(v.tenant, withStringId) &&
        optional(v.team, withStringId) &&
        optional(v.channel, withStringId) &&
        optional(v.eventType, isString),
    ) &&
    // An invoke carries its payload in value: an object (Action.Execute: value.action with a string verb).
    (a.type !== 'invoke' || optional(a.value, isObject)) &&
    (a.name !== 'adaptiveCard/action' ||
      (isObject(a.value) && isObject(a.value.action) && optional(a.value.action.verb, isString)))
  );
}
