// Fresh utterances, written blind (without reading the corpus, the held-out set or the parser) as makers,
// approvers and admins would type them in Teams. Same row format and conventions as corpus.ts
// (requester: Adele Vance, reference tenant; her own Developer environment is "Adele Vance's Environment").
import type { CorpusRow } from './corpus.js';

const ADELE_ENV = "Adele Vance's Environment";

export const FRESH: CorpusRow[] = [
  // maker role: chatty, terse, typos, caps, emoji, non-native, British, passive
  [
    'hey could I get maker rights on the finance sandbox? need to build the budget app',
    'maker-role',
    { env: 'Finance Sandbox' },
  ],
  ['maker HR Dev', 'maker-role', { env: 'HR Dev' }],
  ['NEED MAKER ROLE ON HR DEV ASAP', 'maker-role', { env: 'HR Dev' }],
  ['pls make me an evironment maker in contso test', 'maker-role', { env: 'Contoso Test' }],
  ['maker roel on finanse sandbox', 'maker-role', { env: 'Finance Sandbox' }],
  ['🙏 maker role on Sales Trial pls 🙏', 'maker-role', { env: 'Sales Trial' }],
  [
    'Please to give me maker role for environment Marketing Sandbox, I am needing for make one app',
    'maker-role',
    { env: 'Marketing Sandbox' },
  ],
  [
    'Would it be possible to be granted the environment maker role in IT Tools? Many thanks',
    'maker-role',
    { env: 'IT Tools' },
  ],
  [
    'I was told maker access has to be granted to me on Operations Production by you guys',
    'maker-role',
    { env: 'Operations Production' },
  ],
  [
    "Morning all. Long story short, the expense flow we built last year keeps breaking and Grady asked me to rebuild it properly, but I can't create anything in Finance Production at the moment, it says I don't have permission. Could I get the maker role there? Ta",
    'maker-role',
    { env: 'Finance Production' },
  ],
  ['maker role on my dev environment please', 'maker-role', { env: ADELE_ENV }],
  ['can u give me maker in my own env', 'maker-role', { env: ADELE_ENV }],
  ['maker role on Finance Sandbox for two weeks', 'maker-role', { env: 'Finance Sandbox', ends: '2026-06-15' }],
  ['I need to build apps in HR Dev until the end of the month', 'maker-role', { env: 'HR Dev', ends: '2026-06-30' }],
  ['maker access to contoso dev for 30 days pls', 'maker-role', { env: 'Contoso Dev', ends: '2026-07-01' }],
  ['maker role on Finance Sandbox - sorry, I meant Finance Production', 'maker-role', { env: 'Finance Production' }],
  ["I don't need a new environment, just maker role on Contoso Test", 'maker-role', { env: 'Contoso Test' }],
  ['can i be a maker in the marketing env?', 'maker-role', { env: 'Marketing Sandbox' }],
  ['Operations Production, maker rights, cheers', 'maker-role', { env: 'Operations Production' }],
  ['give me permission to create apps in it tools', 'maker-role', { env: 'IT Tools' }],
  ['maker rights hr prod', 'maker-role', { env: 'HR Production' }],
  ['hi! maker on the sales trial environment, thx', 'maker-role', { env: 'Sales Trial' }],
  // maker role: must ask back
  ['maker role please', 'maker-role', { ask: 'environment' }],
  ['can I get maker rights?', 'maker-role', { ask: 'environment' }],
  ['maker on finance pls', 'maker-role', { ask: 'environment' }],
  ['I need maker in HR', 'maker-role', { ask: 'environment' }],
  ['maker role on prod', 'maker-role', { ask: 'environment' }],
  ['need maker in a sandbox', 'maker-role', { ask: 'environment' }],
  ['maker access on contoso', 'maker-role', { ask: 'environment' }],
  ['maker role on the dev one', 'maker-role', { ask: 'environment' }],

  // connector unblock
  ['pls unblock dropbox for contoso dev', 'unblock-connector', { env: 'Contoso Dev', connectors: ['shared_dropbox'] }],
  [
    'unblock SQL and Salesforce in IT Tools',
    'unblock-connector',
    { env: 'IT Tools', connectors: ['shared_sql', 'shared_salesforce'] },
  ],
  ['unblok dropbx in contso dev', 'unblock-connector', { env: 'Contoso Dev', connectors: ['shared_dropbox'] }],
  [
    'Dropbox needs to be unblocked in Marketing Sandbox',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_dropbox'] },
  ],
  [
    'Could you kindly authorise the Salesforce connector for Finance Production? Cheers',
    'unblock-connector',
    { env: 'Finance Production', connectors: ['shared_salesforce'] },
  ],
  ['ENABLE SERVICENOW IN IT TOOLS', 'unblock-connector', { env: 'IT Tools', connectors: ['shared_servicenow'] }],
  [
    'can we allow the twitter connector in the marketing sandbox',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_twitter'] },
  ],
  [
    'Please unblock Gmail, Slack and Trello on HR Dev 🙂',
    'unblock-connector',
    { env: 'HR Dev', connectors: ['shared_gmail', 'shared_slack', 'shared_trello'] },
  ],
  [
    'github connector blocked in my dev env, can you open it up?',
    'unblock-connector',
    { env: ADELE_ENV, connectors: ['shared_github'] },
  ],
  [
    'my flow in Contoso Test fails because SendGrid is blocked by DLP, please unblock it',
    'unblock-connector',
    { env: 'Contoso Test', connectors: ['shared_sendgrid'] },
  ],
  [
    "Hello, so I've been asked by Miriam to put together a little social listening dashboard for the campaign next month. Everything works except the YouTube connector which is blocked in Marketing Sandbox. Would you be able to unblock it? Happy to explain more if needed.",
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_youtube'] },
  ],
  [
    'need docusign unblocked in finance prod for 3 months',
    'unblock-connector',
    { env: 'Finance Production', connectors: ['shared_docusign'], ends: '2026-09-01' },
  ],
  [
    'unblock azure blob storage in operations production',
    'unblock-connector',
    { env: 'Operations Production', connectors: ['shared_azureblob'] },
  ],
  [
    'key vault connector for IT Tools please',
    'unblock-connector',
    { env: 'IT Tools', connectors: ['shared_keyvault'] },
  ],
  [
    'unblock gmail, no wait, outlook.com, in Contoso Dev',
    'unblock-connector',
    { env: 'Contoso Dev', connectors: ['shared_outlook'] },
  ],
  [
    'Mailchimp + WordPress in Marketing Sandbox pls',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_mailchimp', 'shared_wordpress'] },
  ],
  [
    'is it possible to use the google drive connector in sales trial?',
    'unblock-connector',
    { env: 'Sales Trial', connectors: ['shared_googledrive'] },
  ],
  [
    'unblock sftp in ops prod',
    'unblock-connector',
    { env: 'Operations Production', connectors: ['shared_sftpwithssh'] },
  ],
  [
    'Bitte Box Connector in HR Production freischalten, thanks',
    'unblock-connector',
    { env: 'HR Production', connectors: ['shared_box'] },
  ],
  [
    'whitelist the RSS connector on contoso test',
    'unblock-connector',
    { env: 'Contoso Test', connectors: ['shared_rss'] },
  ],
  [
    'unblock azure openai for IT tools, we want to try some GPT stuff',
    'unblock-connector',
    { env: 'IT Tools', connectors: ['shared_azureopenai'] },
  ],
  // connector unblock: must ask back
  ['unblock dropbox', 'unblock-connector', { connectors: ['shared_dropbox'], ask: 'environment' }],
  ['can you unblock trello for me?', 'unblock-connector', { connectors: ['shared_trello'], ask: 'environment' }],
  ['unblock slack in finance', 'unblock-connector', { connectors: ['shared_slack'], ask: 'environment' }],
  ['unblock google in Contoso Dev', 'unblock-connector', { env: 'Contoso Dev', ask: 'connector' }],
  ['I need the azure connector unblocked in IT Tools', 'unblock-connector', { env: 'IT Tools', ask: 'connector' }],
  ['unblock a connector in HR Dev please', 'unblock-connector', { env: 'HR Dev', ask: 'connector' }],
  ['unblock the mail one in Marketing Sandbox', 'unblock-connector', { env: 'Marketing Sandbox', ask: 'connector' }],

  // new environment
  [
    "new sandbox environment 'Budget Planning' in Europe with Dataverse pls",
    'new-environment',
    { sku: 'Sandbox', name: 'Budget Planning', location: 'europe', dataverse: true },
  ],
  [
    'Could I have a developer environment for myself? UK region, no dataverse needed',
    'new-environment',
    { sku: 'Developer', location: 'unitedkingdom', dataverse: false },
  ],
  [
    'create a prod env called Supplier Portal in canada',
    'new-environment',
    { sku: 'Production', name: 'Supplier Portal', location: 'canada' },
  ],
  [
    'we need a trial environment to test copilot studio, australia',
    'new-environment',
    { sku: 'Trial', location: 'australia' },
  ],
  [
    'NEW ENVIRONMENT PLEASE: "Procurement Apps", production, US, with a database',
    'new-environment',
    { sku: 'Production', name: 'Procurement Apps', location: 'unitedstates', dataverse: true },
  ],
  [
    'spin up a sandbox in asia named Ops Playground',
    'new-environment',
    { sku: 'Sandbox', name: 'Ops Playground', location: 'asia' },
  ],
  [
    'Would it be possible to provision a new environment for the HR onboarding project? Sandbox, in Europe please.',
    'new-environment',
    { sku: 'Sandbox', location: 'europe' },
  ],
  ['i need a new environment', 'new-environment'],
  [
    'create environment named "Legal Contracts" sandbox EU',
    'new-environment',
    { sku: 'Sandbox', name: 'Legal Contracts', location: 'europe' },
  ],
  ['a new dev env for me in the UK pls', 'new-environment', { sku: 'Developer', location: 'unitedkingdom' }],

  // status
  ['any news on REQ-1002?', 'status', { id: 'REQ-1002' }],
  ['whats up with req 1001', 'status', { id: 'REQ-1001' }],
  ['has my dropbox request been approved yet?', 'status'],
  ["what's happening with my request", 'status'],
  ['STATUS REQ-1004', 'status', { id: 'REQ-1004' }],
  ['is REQ-12 done?', 'status', { id: 'REQ-12' }],
  ['where are we with the maker request I sent on monday?', 'status'],

  // list mine
  ['what have I asked for so far?', 'list-mine'],
  ['show me all my open requests', 'list-mine'],
  ['my requests', 'list-mine'],
  ['list everything I requested pls', 'list-mine'],
  ['Can you show me the requests I have raised?', 'list-mine'],

  // cancel
  ['cancel REQ-1003', 'cancel', { id: 'REQ-1003' }],
  ["I don't need maker on Finance Sandbox anymore, please cancel REQ-1004", 'cancel', { id: 'REQ-1004' }],
  ['withdraw my request REQ-1005 pls', 'cancel', { id: 'REQ-1005' }],
  ['never mind, cancel my last request', 'cancel'],
  ['please drop req-1006, we found another way', 'cancel', { id: 'REQ-1006' }],
  ['scrap REQ-1001', 'cancel', { id: 'REQ-1001' }],

  // approver: pending list and decisions
  ['anything waiting for my approval?', 'list-pending'],
  ["what's in the approval queue", 'list-pending'],
  ['pending approvals pls', 'list-pending'],
  ['show requests I need to approve', 'list-pending'],
  ['Which requests are waiting on me?', 'list-pending'],
  ['approve REQ-1001 looks fine', 'decide', { id: 'REQ-1001', verdict: 'approve' }],
  ['REJECT REQ-1002 - no business justification', 'decide', { id: 'REQ-1002', verdict: 'reject' }],
  ['lgtm, approving REQ-1005', 'decide', { id: 'REQ-1005', verdict: 'approve' }],
  ['decline req 1006 because dropbox is not allowed for finance data', 'decide', { id: 'REQ-1006', verdict: 'reject' }],
  ['REQ-1003 approved ✅', 'decide', { id: 'REQ-1003', verdict: 'approve' }],
  ['ok go ahead with REQ-1007', 'decide', { id: 'REQ-1007', verdict: 'approve' }],
  ['deny REQ-1004, please use SharePoint instead of Dropbox', 'decide', { id: 'REQ-1004', verdict: 'reject' }],
  ['I approve REQ-12', 'decide', { id: 'REQ-12', verdict: 'approve' }],
  ['no, reject REQ-1008 please, prod is off limits', 'decide', { id: 'REQ-1008', verdict: 'reject' }],

  // admin: channels, audit, licences
  ['use this channel for approvals', 'set-channel'],
  ['post the audit trail in this channel please', 'set-channel'],
  ['set this as the approvals channel', 'set-channel'],
  ['show me the audit log for Finance Production', 'audit', { env: 'Finance Production' }],
  ['who approved REQ-1003?', 'audit', { id: 'REQ-1003' }],
  ['audit trail for last week', 'audit'],
  ['what changed in HR Dev recently? need the audit history', 'audit', { env: 'HR Dev' }],
  ['export the audit log as csv', 'audit'],
  ['who has a power apps licence?', 'licence-report'],
  ['license report pls', 'licence-report'],
  ['which users are unlicensed for power apps', 'licence-report'],
  ['how many licences do we have', 'licence-report'],

  // requester answers an approver's question; extensions
  ['re REQ-1003: it is for the quarterly budget app', 'answer-info', { id: 'REQ-1003' }],
  ['answer for REQ-12: we need it to sync files with a supplier', 'answer-info', { id: 'REQ-12' }],
  ['reply to REQ-1001 - the data stays inside the finance team', 'answer-info', { id: 'REQ-1001' }],
  ['can you extend my access on HR Dev for another month', 'extend', { env: 'HR Dev' }],
  ['extend REQ-1003 by 2 weeks', 'extend', { id: 'REQ-1003' }],
  [
    'I need a bit more time with the dropbox connector in Contoso Dev, can it be extended?',
    'extend',
    { env: 'Contoso Dev', connectors: ['shared_dropbox'] },
  ],
  ['please prolong REQ-1005 until end of next month', 'extend', { id: 'REQ-1005', ends: '2026-07-31' }],

  // help, greetings, thanks, off-topic
  ['what can you do?', 'help'],
  ['how do I use this bot', 'help'],
  ['commands?', 'help'],
  ['help me please, no idea what to type here', 'help'],
  ['hola', 'greeting'],
  ['bonjour à tous', 'greeting'],
  ['hallo zusammen', 'greeting'],
  ['👋', 'greeting'],
  ['good afternoon!', 'greeting'],
  ['ciao bot', 'greeting'],
  ['hej hej', 'greeting'],
  ['こんにちは', 'greeting'],
  ['merci beaucoup', 'thanks'],
  ['cheers mate, much appreciated', 'thanks'],
  ['danke!', 'thanks'],
  ['ty 🙏', 'thanks'],
  ["what's the weather in Seattle", 'unknown'],
  ['tell me a joke', 'unknown'],
  ['my laptop keeps restarting, can you help', 'unknown'],
  ['who won the match last night?', 'unknown'],
  ['asdfgh', 'unknown'],
  ['the printer on floor 3 is out of toner', 'unknown'],
];
