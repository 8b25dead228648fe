// Blind "not asked" set, written on 2026-11-30 by the `blind` helper session (issue 10 part 5) without reading the
// parser (src/intake), the corpus rows, the held-out, fresh or not-asked sets: only the row types, evaluate.ts and
// the reference tenant. It measures whether understanding files a request the maker did NOT ask for.
// Same row format and conventions as corpus.ts (requester: Adele Vance, reference tenant; she already holds
// Environment Maker in Contoso Dev; NOW is Monday 2026-06-01 10:00 UTC), plus the reason the bot should give for
// filing nothing. Intent 'unknown' means "file nothing"; a real request carries its intent and entities (controls).
// Reasons: NotAsked has no "negation" reason, so a plain "I don't need X" is scored as 'withdrawal' (the maker says
// there is no need); questions about the rules are 'hypothetical'; asking for a kind of access the bot does not
// grant (environment admin, security roles, app sharing) is 'access-kind'.
// Look-alike environments (category 5): the named environment does not exist, a different one (often of another
// type) resembles it; the row keeps the request's intent and expects the bot to ask back (`ask: 'environment'`).
import type { NotAsked } from '../../src/intake/not-asked.js';
import type { CorpusRow, Expected } from './corpus.js';

type BlindRow = [text: string, intent: string, expected?: Expected, why?: NotAsked];

const ROWS: BlindRow[] = [
  // 1. negation
  ["I don't need the maker role in Finance Sandbox, Megan already sorted it", 'unknown', {}, 'withdrawal'],
  ['i dont need dropbox unblocked in contoso dev, sharepoint works fine for us', 'unknown', {}, 'withdrawal'],
  ['We do NOT need a new environment for the HR onboarding app, HR Dev is enough.', 'unknown', {}, 'withdrawal'],
  ["Not asking for maker rights in HR Production, just FYI I'm building in HR Dev", 'unknown', {}, 'withdrawal'],
  ['no new sandbox needed for marketing, thanks', 'unknown', {}, 'withdrawal'],
  ['To be clear, I am not requesting the Slack connector in Marketing Sandbox.', 'unknown', {}, 'withdrawal'],
  ["Neither the maker role nor a new env, I think I'm sorted now 🙂", 'unknown', {}, 'withdrawal'],
  [
    "I don't want the Gmail connector unblocked in Finance Production, please don't file anything",
    'unknown',
    {},
    'withdrawal',
  ],
  ["nah don't need a developer environment, i'll keep using my own one", 'unknown', {}, 'withdrawal'],
  ["We won't be needing Environment Maker in Operations Production.", 'unknown', {}, 'withdrawal'],
  ['i do not require any maker access to Sales Trial', 'unknown', {}, 'withdrawal'],
  ['No maker role for me in IT Tools pls, Lee Gu builds the apps there', 'unknown', {}, 'withdrawal'],
  ["Dropbox? no, we don't need it in Contoso Dev", 'unknown', {}, 'withdrawal'],
  [
    'I dont think we need a new production environment for finance, lets keep using Finance Production',
    'unknown',
    {},
    'withdrawal',
  ],

  // 2. withdrawal
  ['no need to unblock Dropbox in Contoso Dev after all', 'unknown', {}, 'withdrawal'],
  ["cancel that, I don't need the maker role in Finance Sandbox anymore", 'unknown', {}, 'withdrawal'],
  ['forget the new sandbox for HR, the project got cancelled', 'unknown', {}, 'withdrawal'],
  [
    "scratch my last message about Box in Contoso Test, we're moving everything to SharePoint",
    'unknown',
    {},
    'withdrawal',
  ],
  [
    'Please disregard my request for maker access to Marketing Sandbox, Miriam already built the app',
    'unknown',
    {},
    'withdrawal',
  ],
  ['ignore the Trello unblock for Contoso Dev, sorted it another way', 'unknown', {}, 'withdrawal'],
  ['never mind about the new environment 🙈', 'unknown', {}, 'withdrawal'],
  [
    'Actually we no longer need Salesforce in Finance Production, the integration is on hold',
    'unknown',
    {},
    'withdrawal',
  ],
  ["my bad, wrong chat — i don't need maker rights in HR Dev", 'unknown', {}, 'withdrawal'],
  ['I withdraw my ask for a developer environment, my own one is enough', 'unknown', {}, 'withdrawal'],
  ['pls drop the github connector thing for Contoso Dev, not needed anymore', 'unknown', {}, 'withdrawal'],
  ['Sorry, changed my mind: no Slack for Marketing Sandbox', 'unknown', {}, 'withdrawal'],
  ['hold off on the maker role in Sales Trial, the trial ends soon anyway, so no need', 'unknown', {}, 'withdrawal'],
  ['the request for Google Drive in Contoso Test can be dropped, thank u', 'unknown', {}, 'withdrawal'],
  ['we managed without the new environment, so we dont need it any more', 'unknown', {}, 'withdrawal'],

  // 3. hypotheticals and questions about the rules
  ['if I asked for the maker role in Finance Production, who would approve?', 'unknown', {}, 'hypothetical'],
  ['would a prod env need a senior approver?', 'unknown', {}, 'hypothetical'],
  ['how long does a connector request take usually?', 'unknown', {}, 'hypothetical'],
  ['hypothetically, could Dropbox be unblocked in HR Production?', 'unknown', {}, 'hypothetical'],
  ['what happens if I request a new production environment? who signs off?', 'unknown', {}, 'hypothetical'],
  ['Who approves maker role requests for IT Tools?', 'unknown', {}, 'hypothetical'],
  ["what's the rule for unblocking Gmail, is it ever allowed in a sandbox?", 'unknown', {}, 'hypothetical'],
  [
    'Suppose we needed a sandbox in Europe for the HR team, would it need approval from someone special?',
    'unknown',
    {},
    'hypothetical',
  ],
  ['Just curious — do maker role grants expire automatically?', 'unknown', {}, 'hypothetical'],
  ['if I wanted Slack in Marketing Sandbox, would it be time limited?', 'unknown', {}, 'hypothetical'],
  ['what would it take to unblock Twitter in IT Tools?', 'unknown', {}, 'hypothetical'],
  [
    "Would the Environment Maker role in HR Production need my manager's approval as well?",
    'unknown',
    {},
    'hypothetical',
  ],
  ['How many approvers does a tenant-wide unblock of Box need?', 'unknown', {}, 'hypothetical'],
  ['when i ask for a new developer environment, does it get Dataverse by default?', 'unknown', {}, 'hypothetical'],
  ['Do I need a justification if I request the maker role in Operations Production?', 'unknown', {}, 'hypothetical'],
  ['what if I needed SQL Server in Finance Production — is it even blocked there?', 'unknown', {}, 'hypothetical'],
  ['Can someone explain who decides on connector unblocks? 🤔', 'unknown', {}, 'hypothetical'],

  // 4. giving up one's own access (never a grant)
  ['remove my maker role in Contoso Dev', 'unknown', {}, 'release'],
  ['end my Dropbox exception early, the project is finished', 'unknown', {}, 'release'],
  ["please take away my Environment Maker role in Contoso Dev, I've moved teams", 'unknown', {}, 'release'],
  ["I'd like to give up my maker access to Contoso Dev", 'unknown', {}, 'release'],
  ["revoke my own maker rights in Contoso Dev pls, don't need them anymore", 'unknown', {}, 'release'],
  ['can you end my Slack exception for Marketing Sandbox now? we finished the pilot', 'unknown', {}, 'release'],
  ['Kindly remove me from maker role of Contoso Dev, I am leaving the project', 'unknown', {}, 'release'],
  ['I no longer need my Box exception in Contoso Test, you can switch it off early', 'unknown', {}, 'release'],
  ['drop my env maker role in contoso dev 👍', 'unknown', {}, 'release'],
  ['Please block Dropbox again in Contoso Dev, my exception can end today', 'unknown', {}, 'release'],
  ['step me down from Environment Maker in Contoso Dev', 'unknown', {}, 'release'],
  ['finish my Trello exception in Contoso Test ahead of schedule please', 'unknown', {}, 'release'],
  ['unassign me the maker role on Contoso Dev', 'unknown', {}, 'release'],

  // 5. an environment that does not exist but resembles one of another type: ask back, never the look-alike
  ['maker role in Marketing Production please', 'maker-role', { ask: 'environment' }], // only Marketing Sandbox
  ['can I get Environment Maker in Sales Production', 'maker-role', { ask: 'environment' }], // only Sales Trial
  [
    'please unblock Dropbox in Operations Sandbox', // only Operations Production
    'unblock-connector',
    { ask: 'environment', connectors: ['shared_dropbox'] },
  ],
  ['need maker rights in the Finance Dev environment', 'maker-role', { ask: 'environment' }], // Finance Sandbox/Production
  ['I need maker access to IT Tools Sandbox to test a flow', 'maker-role', { ask: 'environment' }], // IT Tools is prod
  [
    'unblock Slack in Marketing Prod for the campaign bot', // only Marketing Sandbox
    'unblock-connector',
    { ask: 'environment', connectors: ['shared_slack'] },
  ],
  ['Please give me Environment Maker in Contoso Production', 'maker-role', { ask: 'environment' }], // Dev/Test/default
  ['could u unblock Gmail in HR Sandbox', 'unblock-connector', { ask: 'environment', connectors: ['shared_gmail'] }], // HR Dev/Production
  ['maker role in Sales Sandbox pls', 'maker-role', { ask: 'environment' }], // only Sales Trial
  ['Requesting the maker role for Operations Dev', 'maker-role', { ask: 'environment' }], // only Operations Production
  [
    'unblock Box in the Finance Test environment please, need to pull invoices', // Finance Sandbox/Production
    'unblock-connector',
    { ask: 'environment', connectors: ['shared_box'] },
  ],
  ['I need Environment Maker in Marketing Trial', 'maker-role', { ask: 'environment' }], // only Marketing Sandbox
  ['unblock Trello for HR Test', 'unblock-connector', { ask: 'environment', connectors: ['shared_trello'] }], // HR Dev/Production

  // 6. out of scope, with words like "access", "connect", "unblock"
  ["I can't access my Outlook mailbox since this morning, can you help?", 'unknown', {}, 'out-of-scope'],
  ['need to reset my password, locked out of my account', 'unknown', {}, 'out-of-scope'],
  ['how do I connect to the Teams meeting for the HR town hall?', 'unknown', {}, 'out-of-scope'],
  ["printer on floor 3 won't connect to the wifi, who do I ask?", 'unknown', {}, 'out-of-scope'],
  ['Can I get access to the Finance shared mailbox?', 'unknown', {}, 'out-of-scope'],
  ["my OneDrive isn't syncing, can you give me access again", 'unknown', {}, 'out-of-scope'],
  ['please grant me access to the Marketing SharePoint site', 'unknown', {}, 'out-of-scope'],
  ['VPN keeps disconnecting when I connect from home 😩', 'unknown', {}, 'out-of-scope'],
  ['I need a new laptop, mine is broken', 'unknown', {}, 'out-of-scope'],
  ['how do I connect my Gmail to Outlook on my phone?', 'unknown', {}, 'out-of-scope'],
  ['Pls unblock my account, MFA keeps failing', 'unknown', {}, 'out-of-scope'],
  ['can I be Environment Admin in Contoso Test?', 'unknown', {}, 'access-kind'],
  ['please give me the System Administrator security role in Finance Production', 'unknown', {}, 'access-kind'],
  ['share the Expense Tracker app with me please', 'unknown', {}, 'access-kind'],
  ['add me as co-owner of the Budget Planner app in Finance Sandbox', 'unknown', {}, 'access-kind'],

  // 7. controls: real requests despite negation-, question- or removal-looking words
  ["I don't have the maker role in HR Dev yet, can I get it?", 'maker-role', { env: 'HR Dev' }],
  [
    'if possible please unblock Dropbox in Contoso Dev',
    'unblock-connector',
    { env: 'Contoso Dev', connectors: ['shared_dropbox'] },
  ],
  ['no rush, but I need a new sandbox for HR', 'new-environment', { sku: 'Sandbox' }],
  [
    "I don't know who to ask, but I need Environment Maker in Finance Sandbox for the budget app",
    'maker-role',
    { env: 'Finance Sandbox' },
  ],
  [
    'Not sure if this is the right place: could you unblock Slack in Marketing Sandbox?',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_slack'] },
  ],
  [
    "I can't build anything in Contoso Test, I'm not a maker there. Can you add me?",
    'maker-role',
    { env: 'Contoso Test' },
  ],
  [
    "Dropbox isn't working in Contoso Test, it says blocked by DLP. Can you unblock it?",
    'unblock-connector',
    { env: 'Contoso Test', connectors: ['shared_dropbox'] },
  ],
  [
    "We don't have any environment for the Legal team yet, could you create a new sandbox called Legal Sandbox in Europe?",
    'new-environment',
    { sku: 'Sandbox', name: 'Legal Sandbox', location: 'europe' },
  ],
  ['never had maker rights in Finance Sandbox, would like them now pls', 'maker-role', { env: 'Finance Sandbox' }],
  [
    'Sorry to bother you, no hurry at all — Trello unblock in Contoso Dev please 🙏',
    'unblock-connector',
    { env: 'Contoso Dev', connectors: ['shared_trello'] },
  ],
  [
    "If it's not too much trouble, I'd like the maker role in Marketing Sandbox",
    'maker-role',
    { env: 'Marketing Sandbox' },
  ],
  [
    "without Google Drive in Contoso Dev I can't finish the import flow, please unblock it",
    'unblock-connector',
    { env: 'Contoso Dev', connectors: ['shared_googledrive'] },
  ],
  [
    "I know it's usually not allowed, but could we get Box unblocked in Contoso Test until 30 June?",
    'unblock-connector',
    { env: 'Contoso Test', connectors: ['shared_box'], ends: '2026-06-30' },
  ],
  [
    "Hi, not a big deal, but I'd need a developer environment to learn Power Apps",
    'new-environment',
    { sku: 'Developer' },
  ],
  [
    'i dont want to wait for the Finance team, can u give me maker role in Finance Sandbox directly?',
    'maker-role',
    { env: 'Finance Sandbox' },
  ],
  [
    "Can't we unblock GitHub in Contoso Dev? our ALM flow needs it",
    'unblock-connector',
    { env: 'Contoso Dev', connectors: ['shared_github'] },
  ],
  ['What I need is the Environment Maker role in Contoso Test, not admin', 'maker-role', { env: 'Contoso Test' }],
  [
    'Not Dropbox — Box. Please unblock Box in Contoso Dev.',
    'unblock-connector',
    { env: 'Contoso Dev', connectors: ['shared_box'] },
  ],
  [
    'No need for a new environment, just the maker role in Marketing Sandbox please',
    'maker-role',
    { env: 'Marketing Sandbox' },
  ],
  [
    'Would you please unblock YouTube in Marketing Sandbox?',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_youtube'] },
  ],
  [
    "Could I have the maker role in HR Production? Don't worry, I'll only build inside a solution",
    'maker-role',
    { env: 'HR Production' },
  ],
  [
    "I'm not an admin, just a maker, and I need Dropbox unblocked in Finance Sandbox",
    'unblock-connector',
    { env: 'Finance Sandbox', connectors: ['shared_dropbox'] },
  ],
  [
    "If it's OK with policy, I'd like a new Production environment for Sales in the US",
    'new-environment',
    { sku: 'Production', location: 'unitedstates' },
  ],
  // "by Friday" is when it is needed, not when the grant ends: no end date
  ['Whoever approves these: I need the maker role in Contoso Test by Friday', 'maker-role', { env: 'Contoso Test' }],
  [
    "I didn't get an answer yet so asking again: maker role in Finance Sandbox please",
    'maker-role',
    { env: 'Finance Sandbox' },
  ],
  [
    "Don't forget I need Gmail unblocked in Contoso Dev for the support inbox flow",
    'unblock-connector',
    { env: 'Contoso Dev', connectors: ['shared_gmail'] },
  ],
  [
    "Can't build the app without maker rights in Contoso Test, could I get them until 30 June?",
    'maker-role',
    { env: 'Contoso Test', ends: '2026-06-30' },
  ],
  [
    'remove the block on Dropbox in Contoso Dev please',
    'unblock-connector',
    { env: 'Contoso Dev', connectors: ['shared_dropbox'] },
  ],
  [
    'stop blocking Slack in Marketing Sandbox pls 🙏',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_slack'] },
  ],
];

/** Every row, scored like the other sets (intent, entities, asking back; wrong actions). */
export const BLIND_NOT_ASKED: CorpusRow[] = ROWS.map(([text, intent, expected]) => [text, intent, expected]);

/** The rows that must file nothing, with the reason the bot should give (same shape as NOT_ASKED). */
export const BLIND_NOT_ASKED_WHY: [text: string, why: NotAsked][] = ROWS.flatMap(([text, , , why]) =>
  why ? [[text, why] as [string, NotAsked]] : [],
);
