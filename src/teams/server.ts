// HTTP: restify serving POST /api/messages. Unauthenticated local runs bind loopback only.

import type { Application, TeamsAdapter as CloudAdapter, TurnState } from '@microsoft/teams-ai';
import { type Activity, ActivityTypes } from 'botbuilder';
import restify from 'restify';
import type { ReadinessReport } from '../health/readiness.js';

export interface BotServer {
  url: string;
  close(): Promise<void>;
}

export async function startBotServer(
  adapter: CloudAdapter,
  app: Application<TurnState>,
  options: {
    port: number;
    host: string;
    extraRoutes?: (server: restify.Server) => void;
    /**
     * Checked after authentication, before the bot sees the activity: a reason refuses it (an invoke gets 403,
     * a message no reply). Used for activities from another tenant.
     */
    refuseActivity?: (activity: Activity) => Promise<string | undefined>;
    /** GET /readyz: 200 when every dependency answers, else 503 (the load balancer stops sending traffic). */
    readiness?: () => Promise<ReadinessReport>;
  },
): Promise<BotServer> {
  const server = restify.createServer({ name: 'power-platform-governance-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024 }));
  server.post('/api/messages', async (req, res) => {
    // A body that is not an activity gets a clear 400 instead of the SDK's 500 (which echoes the error message
    // of whatever broke on the missing field). Every Bot Framework activity names its sender and conversation.
    if (!isActivityShape(req.body)) {
      res.send(400, {
        error: {
          code: 'BadActivity',
          message: 'The body must be a Bot Framework activity with a type, a from.id and a conversation.id.',
        },
      });
      return;
    }
    await adapter.process(req, res, async (context) => {
      const refused = await options.refuseActivity?.(context.activity);
      if (refused) {
        if (context.activity.type === ActivityTypes.Invoke)
          await context.sendActivity({
            type: ActivityTypes.InvokeResponse,
            value: {
              status: 403,
              body: { error: { code: 'Forbidden', message: 'This bot does not serve your organisation.' } },
            },
          });
        return;
      }
      await app.run(context);
    });
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

function isActivityShape(body: unknown): boolean {
  if (!body || typeof body !== 'object') return false;
  const a = body as {
    type?: unknown;
    from?: { id?: unknown } | null;
    conversation?: { id?: unknown } | null;
    entities?: unknown;
  };
  return (
    typeof a.type === 'string' &&
    typeof a.from?.id === 'string' &&
    typeof a.conversation?.id === 'string' &&
    a.conversation.id !== '' &&
    (a.entities === undefined || Array.isArray(a.entities))
  );
}
