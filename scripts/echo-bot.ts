// The speed floor for the benchmarks: the same restify server and Bot Framework CloudAdapter as the bot, with no
// application logic. A message is echoed back through the Bot Connector; an Adaptive Card Action.Execute is answered
// with a fixed card. `npm run bench:turns` / `bench:approvals` run it as a child process beside the real bot.
//   node dist/scripts/echo-bot.js            (PORT=0 picks a free port; prints "echo bot: <url>/api/messages")
import { pathToFileURL } from 'node:url';
import { ActivityTypes, CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import restify from 'restify';

const FIXED_CARD = {
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body: [{ type: 'TextBlock', text: 'Done', wrap: true }],
};

async function onTurn(context: TurnContext): Promise<void> {
  const activity = context.activity;
  if (activity.type === ActivityTypes.Message) {
    await context.sendActivity(`echo: ${activity.text ?? ''}`);
  } else if (activity.type === ActivityTypes.Invoke && activity.name === 'adaptiveCard/action') {
    await context.sendActivity({
      type: ActivityTypes.InvokeResponse,
      value: {
        status: 200,
        body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: FIXED_CARD },
      },
    });
  }
}

export async function startEchoBot(port = 0, host = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  // No app id: anonymous, like the bot's local runs (and bound to loopback for the same reason).
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024 }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, onTurn);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    url: `http://${host}:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const echo = await startEchoBot(Number(process.env.PORT ?? 0));
  console.log(`echo bot: ${echo.url}/api/messages`);
  process.once('SIGTERM', () => void echo.close().then(() => process.exit(0)));
  process.once('SIGINT', () => void echo.close().then(() => process.exit(0)));
}
