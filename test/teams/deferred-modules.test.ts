// Idle memory: what the embedded default (SQLite, no teams-ai sign-in, no managed identity, no BOT_ID) never uses
// is not loaded at start, and each library still gets the real module when something uses it (teams-ai's sign-in
// botbuilder-dialogs and msal-node, the connector msal-node and @azure/identity, restify csv and http-signature); the
// card templating library loads at the first card. In a child process, since this one has loaded everything already.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const probe = `
import { createRequire } from 'node:module';
import { types } from 'node:util';
await import('./src/app.ts');
const require = createRequire(import.meta.url);
// A deferred module's stand-in (a proxy) sits in the cache under the real module's path until it is used.
const loaded = (pattern) =>
  Object.entries(require.cache).some(([file, module]) => pattern.test(file) && !types.isProxy(module.exports));
const atStart = {
  dialogs: loaded(/node_modules\\/botbuilder-dialogs\\/lib\\/dialogSet\\.js$/),
  recognizers: loaded(/node_modules\\/@microsoft\\/recognizers-text-(suite|date-time|number|choice)\\//),
  pg: loaded(/node_modules\\/pg\\/lib\\/index\\.js$/),
  signInMsal: loaded(/node_modules\\/@microsoft\\/teams-ai\\/node_modules\\/@azure\\/msal-node\\/lib\\//),
  identity: loaded(/node_modules\\/@azure\\/identity\\/dist\\/commonjs\\/index\\.js$/),
  connectorMsal: loaded(/node_modules\\/botframework-connector\\/node_modules\\/@azure\\/msal-node\\/lib\\//),
  csv: loaded(/node_modules\\/csv\\/dist\\/cjs\\/index\\.cjs$/),
  httpSignature: loaded(/node_modules\\/http-signature\\/lib\\/index\\.js$/),
  templating: loaded(/node_modules\\/adaptivecards-templating\\//),
  expressions: loaded(/node_modules\\/adaptive-expressions\\//),
};
const { noticeCard } = await import('./src/teams/cards/composer.ts');
const firstCard = {
  title: noticeCard({ title: 'Saved', text: 'Your request is filed.' }).body[0].text,
  templating: loaded(/node_modules\\/adaptivecards-templating\\//),
  expressions: loaded(/node_modules\\/adaptive-expressions\\//),
};
const fromTeamsAi = createRequire(require.resolve('@microsoft/teams-ai/lib/Application.js'));
const fromConnector = createRequire(createRequire(require.resolve('botbuilder')).resolve('botframework-connector'));
const fromRestify = createRequire(require.resolve('restify'));
const dialogs = fromTeamsAi('botbuilder-dialogs');
const { TeamsSsoPrompt } = fromTeamsAi('./authentication/TeamsBotSsoPrompt.js');
const whenUsed = {
  dialogSet: typeof dialogs.DialogSet,
  ssoPromptIsDialog: TeamsSsoPrompt.prototype instanceof dialogs.Dialog,
  keys: Object.keys(dialogs).includes('OAuthPrompt'),
  dialogs: loaded(/node_modules\\/botbuilder-dialogs\\/lib\\/dialogSet\\.js$/),
  signInMsal: typeof fromTeamsAi('@azure/msal-node').ConfidentialClientApplication,
  identity: typeof fromConnector('@azure/identity').DefaultAzureCredential,
  connectorMsal: typeof fromConnector('@azure/msal-node').ConfidentialClientApplication,
  csv: typeof fromRestify('csv').parse,
  httpSignature: typeof fromRestify('http-signature').parseRequest,
  loaded: [
    loaded(/node_modules\\/@microsoft\\/teams-ai\\/node_modules\\/@azure\\/msal-node\\/lib\\//),
    loaded(/node_modules\\/@azure\\/identity\\/dist\\/commonjs\\/index\\.js$/),
    loaded(/node_modules\\/botframework-connector\\/node_modules\\/@azure\\/msal-node\\/lib\\//),
    loaded(/node_modules\\/csv\\/dist\\/cjs\\/index\\.cjs$/),
    loaded(/node_modules\\/http-signature\\/lib\\/index\\.js$/),
  ],
};
console.log(JSON.stringify({ atStart, firstCard, whenUsed }));
`;

describe('start-up loads only what the embedded default uses', () => {
  it('leaves sign-in modules, pg and the card templating unloaded, and loads each when used', function () {
    this.timeout(90_000); // a fresh node with tsx compiling the app
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
      cwd: process.cwd(),
      encoding: 'utf8',
    });
    const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
    assert.deepEqual(result, {
      atStart: {
        dialogs: false,
        recognizers: false,
        pg: false,
        signInMsal: false,
        identity: false,
        connectorMsal: false,
        csv: false,
        httpSignature: false,
        templating: false,
        expressions: false,
      },
      firstCard: { title: 'Saved', templating: true, expressions: true },
      whenUsed: {
        dialogSet: 'function',
        ssoPromptIsDialog: true,
        keys: true,
        dialogs: true,
        signInMsal: 'function',
        identity: 'function',
        connectorMsal: 'function',
        csv: 'function',
        httpSignature: 'function',
        loaded: [true, true, true, true, true],
      },
    });
  });
});
