// Code that loads with teams-ai, botbuilder and restify but runs late or never, loaded at its first use:
// - teams-ai's Application requires its sign-in modules when it loads, and they require botbuilder-dialogs with
//   Microsoft's text recognisers (number, date-time, choice: ~30 MB resident) and msal-node (its own copy, ~3 MB of
//   heap); the bot configures no teams-ai sign-in.
// - botframework-connector requires msal-node (~3 MB) for the bot's own token, fetched at its first reply with a
//   BOT_ID (never without one), and @azure/identity (~5 MB, with another msal-node) for a managed identity only.
// - restify's plugins require csv (a CSV request body) and http-signature (its authorization parser; ~2 MB with
//   sshpk and tweetnacl); the bot reads JSON bodies and Bot Framework tokens.
// Imported before teams-ai, botbuilder and restify.
import { createRequire } from 'node:module';
import { deferModule } from './defer-module.js';

const resolve = createRequire(import.meta.url).resolve;
const fromTeamsAi = createRequire(resolve('@microsoft/teams-ai/lib/Application.js'));
// teams-ai declares `class TeamsSsoPrompt extends Dialog` at load: the base class comes from its own small module
// (the same class the package exports).
deferModule(fromTeamsAi, 'botbuilder-dialogs', {
  Dialog: () => (fromTeamsAi('botbuilder-dialogs/lib/dialog.js') as { Dialog: unknown }).Dialog,
});
deferModule(fromTeamsAi, '@azure/msal-node');
const fromConnector = createRequire(createRequire(resolve('botbuilder')).resolve('botframework-connector'));
deferModule(fromConnector, '@azure/msal-node');
deferModule(fromConnector, '@azure/identity');
const fromRestify = createRequire(resolve('restify'));
deferModule(fromRestify, 'csv');
deferModule(fromRestify, 'http-signature');
