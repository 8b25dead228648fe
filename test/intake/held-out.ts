// Held-out utterances, written without looking at the corpus sentences or the parser, to measure the
// general skill rather than the examples the parser was tuned on. Same row format and conventions as
// corpus.ts (requester: Adele Vance, reference tenant; her own Developer environment is "Adele Vance's Environment").
import type { CorpusRow } from './corpus.js';

const ADELE_ENV = "Adele Vance's Environment";

export const HELD_OUT: CorpusRow[] = [
  // maker role: long, polite, rambling
  [
    "Hi team, hope you're all well! I've just joined the finance reporting squad and I'm supposed to build a small approvals app in Finance Sandbox. Could someone give me the environment maker role there? Thanks so much, Adele",
    'maker-role',
    { env: 'Finance Sandbox' },
  ],
  [
    "Good morning :) Quick one - I'm in the finance team but the app lives in Contoso Test, so I'd need maker permissions in Contoso Test please",
    'maker-role',
    { env: 'Contoso Test' },
  ],
  [
    'Hello, apologies for bothering you again. My manager asked me to create a canvas app for the marketing campaign intake, is it possible to get maker access on the Marketing Sandbox?',
    'maker-role',
    { env: 'Marketing Sandbox' },
  ],
  [
    'hey! so we are migrating the old access db to power apps and i need to be able to create apps in IT Tools. can you make me a maker there? cheers',
    'maker-role',
    { env: 'IT Tools' },
  ],
  // maker role: short fragments, abbreviations, possessives
  ['maker rights fin prod', 'maker-role', { env: 'Finance Production' }],
  ['env maker - ops prod', 'maker-role', { env: 'Operations Production' }],
  ['maker on mktg sbx pls', 'maker-role', { env: 'Marketing Sandbox' }],
  ['maker role in my dev env', 'maker-role', { env: ADELE_ENV }],
  ['can i get maker permissions on my developer environment', 'maker-role', { env: ADELE_ENV }],
  ['maker access to my own environment please', 'maker-role', { env: ADELE_ENV }],
  ['maker @ hr dev', 'maker-role', { env: 'HR Dev' }],
  ['Contoso Test - maker role please', 'maker-role', { env: 'Contoso Test' }],
  ['Finance Sandbox: environment maker for me', 'maker-role', { env: 'Finance Sandbox' }],
  ['for the sales trial env I need maker', 'maker-role', { env: 'Sales Trial' }],
  ['maker in the default environment', 'maker-role', { env: 'Contoso (default)' }],
  ['need to build apps in contoso dev, maker role?', 'maker-role', { env: 'Contoso Dev' }],
  ['add me as environment maker to operations production', 'maker-role', { env: 'Operations Production' }],
  ['grant me the maker role on HR Production', 'maker-role', { env: 'HR Production' }],
  // maker role: case, typos, missing spaces
  ['NEED MAKER ROLE FINANCE PROD ASAP!!!', 'maker-role', { env: 'Finance Production' }],
  ['mkaer role in contoso test', 'maker-role', { env: 'Contoso Test' }],
  ['environmnet maker on marekting sandbox', 'maker-role', { env: 'Marketing Sandbox' }],
  ['maker role in Finacne Sandbox', 'maker-role', { env: 'Finance Sandbox' }],
  ['makerrole in contosodev', 'maker-role', { env: 'Contoso Dev' }],
  ['maker role HRDev', 'maker-role', { env: 'HR Dev' }],
  ['i need maker role in ITtools', 'maker-role', { env: 'IT Tools' }],
  ['could i plz hav maker in salse trial', 'maker-role', { env: 'Sales Trial' }],
  ['maker rol for operations prodcution', 'maker-role', { env: 'Operations Production' }],
  // maker role: non-native English, passive, questions, emoji
  ['please to give me maker role for HR dev, i am need for create app', 'maker-role', { env: 'HR Dev' }],
  ['kindly do the needful and grant maker role on contoso test', 'maker-role', { env: 'Contoso Test' }],
  ['Environment Maker role to be granted to me on Sales Trial, please.', 'maker-role', { env: 'Sales Trial' }],
  ['is it possible to get maker rights in the finance sandbox?', 'maker-role', { env: 'Finance Sandbox' }],
  ['who do I ask for maker access in IT Tools?', 'maker-role', { env: 'IT Tools' }],
  ['how can I become an environment maker in Contoso Dev', 'maker-role', { env: 'Contoso Dev' }],
  ['🙏 maker role in marketing sbx pls 🙂', 'maker-role', { env: 'Marketing Sandbox' }],
  ['I would like to be able to create apps and flows in Contoso Test', 'maker-role', { env: 'Contoso Test' }],
  ['I want permission to make apps in the HR Dev environment', 'maker-role', { env: 'HR Dev' }],
  // For someone else (Grady Archie): filing it would give the sender the role; since 30 Nov 2026 nothing is filed.
  ['maker role for Grady in Finance Sandbox, he starts monday', 'unknown'],
  // maker role: durations
  ['maker role in Contoso Test for two weeks', 'maker-role', { env: 'Contoso Test', ends: '2026-06-15' }],
  ['temporary maker access to HR Dev for the next 10 days', 'maker-role', { env: 'HR Dev', ends: '2026-06-11' }],
  ['maker on finance sandbox till end of month', 'maker-role', { env: 'Finance Sandbox', ends: '2026-06-30' }],
  ['maker role in IT Tools until 30 June', 'maker-role', { env: 'IT Tools', ends: '2026-06-30' }],
  ['just need maker in sales trial for 3 days', 'maker-role', { env: 'Sales Trial', ends: '2026-06-04' }],
  ['maker role marketing sandbox for a sprint', 'maker-role', { env: 'Marketing Sandbox' }],
  // maker role: must ask back
  ['I need the maker role', 'maker-role', { ask: 'environment' }],
  ['can I get maker rights on finance?', 'maker-role', { ask: 'environment' }],
  ['maker role in HR please', 'maker-role', { ask: 'environment' }],
  ['maker access for the sandbox', 'maker-role', { ask: 'environment' }],
  ['maker in prod pls', 'maker-role', { ask: 'environment' }],
  ['hi, how do I become a maker?', 'maker-role', { ask: 'environment' }],
  ['maker role in the payroll environment', 'maker-role', { ask: 'environment' }],
  ['maker role in dev', 'maker-role', { ask: 'environment' }],

  // connector unblock: long, polite
  [
    "Hi team, hope you're well. I'm working on the budget reconciliation flow with Grady and it needs to pull files from Dropbox, but the connector seems to be blocked in Finance Sandbox. Could you please unblock it? Many thanks!",
    'unblock-connector',
    { env: 'Finance Sandbox', connectors: ['shared_dropbox'] },
  ],
  [
    'Hello! Our marketing flows post to Slack and Trello, both are blocked in Marketing Sandbox at the moment. Would it be possible to allow them?',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_slack', 'shared_trello'] },
  ],
  [
    'Morning all, the sales team wants to sync leads from SF into the trial env. Can the salesforce connector be enabled in Sales Trial?',
    'unblock-connector',
    { env: 'Sales Trial', connectors: ['shared_salesforce'] },
  ],
  // connector unblock: nicknames
  ['unblock SF in sales trial', 'unblock-connector', { env: 'Sales Trial', connectors: ['shared_salesforce'] }],
  ['need the SQL db connector in IT Tools', 'unblock-connector', { env: 'IT Tools', connectors: ['shared_sql'] }],
  [
    'pls unblock gdrive for contoso dev',
    'unblock-connector',
    { env: 'Contoso Dev', connectors: ['shared_googledrive'] },
  ],
  [
    'google drive is blocked in HR Dev, can you open it',
    'unblock-connector',
    { env: 'HR Dev', connectors: ['shared_googledrive'] },
  ],
  [
    'unblock twitter in marketing sandbox',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_twitter'] },
  ],
  [
    'can we use X in Marketing Sandbox? need to schedule posts',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_twitter'] },
  ],
  [
    'office 365 outlook connector for finance production please',
    'unblock-connector',
    { env: 'Finance Production', connectors: ['shared_office365'] },
  ],
  [
    'allow sftp in operations prod',
    'unblock-connector',
    { env: 'Operations Production', connectors: ['shared_sftpwithssh'] },
  ],
  ['enable blob storage on IT Tools', 'unblock-connector', { env: 'IT Tools', connectors: ['shared_azureblob'] }],
  ['unblock key vault in contoso test', 'unblock-connector', { env: 'Contoso Test', connectors: ['shared_keyvault'] }],
  ['unblock openai for contoso dev', 'unblock-connector', { env: 'Contoso Dev', connectors: ['shared_azureopenai'] }],
  [
    'can you unblock service now in IT tools',
    'unblock-connector',
    { env: 'IT Tools', connectors: ['shared_servicenow'] },
  ],
  ['need docu sign in HR Production', 'unblock-connector', { env: 'HR Production', connectors: ['shared_docusign'] }],
  [
    'unblock mail chimp for mktg sandbox',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_mailchimp'] },
  ],
  [
    'send grid connector in contoso dev pls',
    'unblock-connector',
    { env: 'Contoso Dev', connectors: ['shared_sendgrid'] },
  ],
  ['unblock github on my dev env', 'unblock-connector', { env: ADELE_ENV, connectors: ['shared_github'] }],
  [
    'allow youtube in marketing sandbox',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_youtube'] },
  ],
  [
    'unblock the ftp connector in ops prod',
    'unblock-connector',
    { env: 'Operations Production', connectors: ['shared_ftp'] },
  ],
  ['need gmail unblocked in contoso test', 'unblock-connector', { env: 'Contoso Test', connectors: ['shared_gmail'] }],
  [
    'wordpress connector for Marketing Sandbox',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_wordpress'] },
  ],
  ['unblock box in HR Dev', 'unblock-connector', { env: 'HR Dev', connectors: ['shared_box'] }],
  ['rss feed connector in my dev environment', 'unblock-connector', { env: ADELE_ENV, connectors: ['shared_rss'] }],
  // connector unblock: typos, case, missing spaces
  ['unbolck dropbox in contoso dev', 'unblock-connector', { env: 'Contoso Dev', connectors: ['shared_dropbox'] }],
  ['unblock dorpbox contoso test', 'unblock-connector', { env: 'Contoso Test', connectors: ['shared_dropbox'] }],
  ['unblock salesfroce in sales trial', 'unblock-connector', { env: 'Sales Trial', connectors: ['shared_salesforce'] }],
  [
    'UNBLOCK SLACK IN MARKETING SANDBOX',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_slack'] },
  ],
  ['unblock googledrive in HRDev', 'unblock-connector', { env: 'HR Dev', connectors: ['shared_googledrive'] }],
  ['unblock servicenow in ITTools', 'unblock-connector', { env: 'IT Tools', connectors: ['shared_servicenow'] }],
  [
    'unblcok trello for marketingsandbox',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_trello'] },
  ],
  [
    'unblock mailchimp in markteing sandbox',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_mailchimp'] },
  ],
  // connector unblock: other word orders, passive, questions, non-native
  ['in contoso dev, unblock slack please', 'unblock-connector', { env: 'Contoso Dev', connectors: ['shared_slack'] }],
  [
    'Finance Sandbox — dropbox unblock pls',
    'unblock-connector',
    { env: 'Finance Sandbox', connectors: ['shared_dropbox'] },
  ],
  [
    'It would be appreciated if Salesforce could be unblocked in Sales Trial.',
    'unblock-connector',
    { env: 'Sales Trial', connectors: ['shared_salesforce'] },
  ],
  [
    'is it possible to get the Slack connector in Contoso Test?',
    'unblock-connector',
    { env: 'Contoso Test', connectors: ['shared_slack'] },
  ],
  [
    'who do I ask to unblock Trello in Marketing Sandbox?',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_trello'] },
  ],
  [
    'why is dropbox blocked in contoso dev? i need it',
    'unblock-connector',
    { env: 'Contoso Dev', connectors: ['shared_dropbox'] },
  ],
  [
    'I want that you open the dropbox connector in contoso dev',
    'unblock-connector',
    { env: 'Contoso Dev', connectors: ['shared_dropbox'] },
  ],
  [
    'kindly allow gmail on contoso test, it is needed for our flow',
    'unblock-connector',
    { env: 'Contoso Test', connectors: ['shared_gmail'] },
  ],
  [
    'my flow fails because github is blocked in contoso dev',
    'unblock-connector',
    { env: 'Contoso Dev', connectors: ['shared_github'] },
  ],
  [
    'unblock slack 🚀 marketing sandbox',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_slack'] },
  ],
  [
    'could u whitelist dropbox for finance sandbox',
    'unblock-connector',
    { env: 'Finance Sandbox', connectors: ['shared_dropbox'] },
  ],
  // connector unblock: several connectors
  [
    'unblock SQL and Salesforce in IT Tools',
    'unblock-connector',
    { env: 'IT Tools', connectors: ['shared_sql', 'shared_salesforce'] },
  ],
  [
    'need dropbox, box and google drive in Contoso Dev',
    'unblock-connector',
    { env: 'Contoso Dev', connectors: ['shared_dropbox', 'shared_box', 'shared_googledrive'] },
  ],
  [
    'unblock gmail + sendgrid for contoso test',
    'unblock-connector',
    { env: 'Contoso Test', connectors: ['shared_gmail', 'shared_sendgrid'] },
  ],
  [
    'pls allow twitter/youtube in marketing sandbox',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_twitter', 'shared_youtube'] },
  ],
  // connector unblock: durations
  [
    'unblock dropbox in contoso dev for two weeks',
    'unblock-connector',
    { env: 'Contoso Dev', connectors: ['shared_dropbox'], ends: '2026-06-15' },
  ],
  // connector unblock: must ask back
  ['unblock dropbox', 'unblock-connector', { connectors: ['shared_dropbox'], ask: 'environment' }],
  ['can you unblock salesforce for me', 'unblock-connector', { connectors: ['shared_salesforce'], ask: 'environment' }],
  ['unblock slack in finance', 'unblock-connector', { connectors: ['shared_slack'], ask: 'environment' }],
  ['unblock a connector in contoso dev', 'unblock-connector', { env: 'Contoso Dev', ask: 'connector' }],
  [
    'need a connector unblocked in Marketing Sandbox',
    'unblock-connector',
    { env: 'Marketing Sandbox', ask: 'connector' },
  ],
  ['unblock twilio in contoso test', 'unblock-connector', { env: 'Contoso Test', ask: 'connector' }],
  ['unblock gitlab in contoso dev', 'unblock-connector', { env: 'Contoso Dev', ask: 'connector' }],
  ['unblock sql in prod', 'unblock-connector', { connectors: ['shared_sql'], ask: 'environment' }],

  // new environment
  [
    'Hi, could we get a new sandbox for the claims team? Somewhere in Europe would be best, and we will need Dataverse.',
    'new-environment',
    { sku: 'Sandbox', location: 'europe', dataverse: true },
  ],
  ['I need a new developer environment called Budget Lab', 'new-environment', { sku: 'Developer', name: 'Budget Lab' }],
  [
    "create environment 'Vendor Portal' production in UK with dataverse",
    'new-environment',
    { name: 'Vendor Portal', sku: 'Production', location: 'unitedkingdom', dataverse: true },
  ],
  ['need a trial env to test copilot studio, US please', 'new-environment', { sku: 'Trial', location: 'unitedstates' }],
  [
    'new env pls: name "Field Ops", sandbox, APAC, no dataverse',
    'new-environment',
    { name: 'Field Ops', sku: 'Sandbox', location: 'asia', dataverse: false },
  ],
  [
    'can you spin up a new prod environment in Canada for the payroll app',
    'new-environment',
    { sku: 'Production', location: 'canada' },
  ],
  ['request a new sandbox environment in australia', 'new-environment', { sku: 'Sandbox', location: 'australia' }],
  ['is it possible to create a new environment for our team?', 'new-environment'],
  ['I would like my own environment to try things out', 'new-environment'],
  [
    'set up a new EU sandbox without Dataverse',
    'new-environment',
    { sku: 'Sandbox', location: 'europe', dataverse: false },
  ],
  ['new enviroment plz, trial, europe', 'new-environment', { sku: 'Trial', location: 'europe' }],
  ['NEW ENVIRONMENT FOR HR ONBOARDING APP', 'new-environment'],
  [
    'we need another environment for the invoices project, production, in the US',
    'new-environment',
    { sku: 'Production', location: 'unitedstates' },
  ],
  ['pls provision a sbx env in the UK', 'new-environment', { sku: 'Sandbox', location: 'unitedkingdom' }],

  // status
  ['any news on REQ-1003?', 'status', { id: 'REQ-1003' }],
  ['has REQ-1002 been approved yet?', 'status', { id: 'REQ-1002' }],
  ['still waiting on req 1004...', 'status', { id: 'REQ-1004' }],
  ["what's happening with my dropbox request", 'status'],
  ['whats the status of my request', 'status'],
  ['where is my maker role request at?', 'status'],
  ['status req-1005', 'status', { id: 'REQ-1005' }],
  ['Hi, just checking in on REQ-1001 — is there an update?', 'status', { id: 'REQ-1001' }],
  ['is my request approved?', 'status'],

  // list mine
  ['show me my requests', 'list-mine'],
  ['what have I asked for so far?', 'list-mine'],
  ['list my open requests', 'list-mine'],
  ['my reqs pls', 'list-mine'],
  ['what requests do I have pending?', 'list-mine'],
  ['can you show all my tickets', 'list-mine'],

  // cancel
  ['cancel REQ-1003', 'cancel', { id: 'REQ-1003' }],
  ['please withdraw my request REQ-1002, no longer needed', 'cancel', { id: 'REQ-1002' }],
  ['never mind, cancel REQ-1006', 'cancel', { id: 'REQ-1006' }],
  ["I don't need Dropbox anymore, you can cancel that request", 'cancel'],
  // Written as 'unknown' at first; revised: the bot offers to cancel the pending request (with a confirmation
  // card), the answer a service desk would give. What matters most: it is not an unblock request.
  ["I don't need Dropbox anymore", 'cancel'],
  ['scrap my maker request pls', 'cancel'],
  ['revoke my request req 1004', 'cancel', { id: 'REQ-1004' }],

  // approvers: pending
  ["what's waiting for my approval?", 'list-pending'],
  ['anything pending for me to approve?', 'list-pending'],
  ['show pending approvals', 'list-pending'],
  ['what is in the approval queue', 'list-pending'],
  ['do I have stuff to approve', 'list-pending'],

  // approvers: decide
  ['approve REQ-1004 looks fine', 'decide', { id: 'REQ-1004', verdict: 'approve' }],
  ['REQ-1002 rejected - no business justification', 'decide', { id: 'REQ-1002', verdict: 'reject' }],
  ['ok to approve req-1003', 'decide', { id: 'REQ-1003', verdict: 'approve' }],
  ['deny REQ-1005 please, salesforce is not allowed in trial envs', 'decide', { id: 'REQ-1005', verdict: 'reject' }],
  ['I approve REQ-12', 'decide', { id: 'REQ-12', verdict: 'approve' }],
  ['approved: REQ-1001', 'decide', { id: 'REQ-1001', verdict: 'approve' }],
  ['decline REQ-1007, use the sandbox instead', 'decide', { id: 'REQ-1007', verdict: 'reject' }],
  ['go ahead with REQ-1002', 'decide', { id: 'REQ-1002', verdict: 'approve' }],
  ['REQ-1006 is approved', 'decide', { id: 'REQ-1006', verdict: 'approve' }],
  ['Reject req 1003 - dropbox is not permitted for finance data', 'decide', { id: 'REQ-1003', verdict: 'reject' }],

  // approvers: channels
  ['post approval cards in this channel', 'set-channel'],
  ['use this channel for the audit trail', 'set-channel'],
  ['send approvals here from now on', 'set-channel'],
  ['make this the approvals channel', 'set-channel'],

  // approvers: audit, licences
  ['who approved what last week?', 'audit'],
  ['show me the audit log for yesterday', 'audit'],
  ['what changed since monday?', 'audit'],
  ['audit trail for this month please', 'audit'],
  ['how many premium licenses do we have', 'licence-report'],
  ['licence report please', 'licence-report'],
  ['who is using premium connectors without a license?', 'licence-report'],
  ['show me the power apps license usage', 'licence-report'],

  // extend
  ['can I keep my maker role for another month?', 'extend'],
  ['extend REQ-1003 by 2 weeks', 'extend', { id: 'REQ-1003' }],
  ['my access in Contoso Test expires friday, can it be extended?', 'extend'],
  ['please prolong my dropbox unblock for another week', 'extend'],

  // answering an approver's question
  ['answer REQ-1003 it is for the budget app', 'answer-info', { id: 'REQ-1003' }],
  ['reply to REQ-1002: the app is for payroll reconciliation', 'answer-info', { id: 'REQ-1002' }],

  // help
  ['what can you do?', 'help'],
  ['how does this work', 'help'],
  ['help!', 'help'],
  ['what can I ask you', 'help'],
  ['commands?', 'help'],
  ['I am new here, what is this bot for?', 'help'],

  // greetings, several languages
  ['hi', 'greeting'],
  ['Hola!', 'greeting'],
  ['bonjour', 'greeting'],
  ['hallo zusammen', 'greeting'],
  ['guten morgen', 'greeting'],
  ['ciao 👋', 'greeting'],
  ['olá', 'greeting'],
  ['hey there', 'greeting'],
  ['good afternoon', 'greeting'],
  ['namaste', 'greeting'],
  ['hej', 'greeting'],
  ['buenos días', 'greeting'],

  // thanks
  ['thx', 'thanks'],
  ['cheers mate', 'thanks'],
  ['danke schön', 'thanks'],
  ['merci beaucoup', 'thanks'],
  ['thanks a lot 🙏', 'thanks'],
  ['gracias', 'thanks'],
  ['ty!', 'thanks'],
  ['perfect, thank you so much!', 'thanks'],

  // off-topic and negations: no request
  ["what's the weather like in Seattle", 'unknown'],
  ['lunch anyone?', 'unknown'],
  ['can you reset my password', 'unknown'],
  ['the printer on the 3rd floor is broken again', 'unknown'],
  ['asdfgh', 'unknown'],
  ['we no longer use salesforce', 'unknown'],
  ['who won the game last night?', 'unknown'],
  // second batch, written after the first round of fixes and scored before any further change
  [
    'Hey folks 👋 long story short, our HR onboarding flow has to send docs via DocuSign and that connector is apparently blocked in HR Production. Any chance you could unblock it? thx a lot',
    'unblock-connector',
    { env: 'HR Production', connectors: ['shared_docusign'] },
  ],
  [
    'plz unblock Outlook.com in contoso test',
    'unblock-connector',
    { env: 'Contoso Test', connectors: ['shared_outlook'] },
  ],
  [
    'unblock azure openai + key vault in IT Tools',
    'unblock-connector',
    { env: 'IT Tools', connectors: ['shared_azureopenai', 'shared_keyvault'] },
  ],
  [
    'Slack connector needed in Marketing Sandbox please',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_slack'] },
  ],
  ['dropbox → contoso dev please', 'unblock-connector', { env: 'Contoso Dev', connectors: ['shared_dropbox'] }],
  [
    'requesting access to the Salesforce connector for Sales Trial',
    'unblock-connector',
    { env: 'Sales Trial', connectors: ['shared_salesforce'] },
  ],
  [
    'could you please enable the twitter connector on mktg sandbox',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_twitter'] },
  ],
  ['unblock sharepiont in contoso dev', 'unblock-connector', { env: 'Contoso Dev' }],
  [
    'we would need ServiceNow in operations production, is that ok?',
    'unblock-connector',
    { env: 'Operations Production', connectors: ['shared_servicenow'] },
  ],
  ['unblock trello', 'unblock-connector', { connectors: ['shared_trello'], ask: 'environment' }],
  ['unblock zendesk in IT Tools', 'unblock-connector', { env: 'IT Tools', ask: 'connector' }],
  ['Guten Tag, ich brauche maker role in HR Dev bitte', 'maker-role', { env: 'HR Dev' }],
  ['Bonjour, je voudrais le rôle maker sur Marketing Sandbox svp', 'maker-role', { env: 'Marketing Sandbox' }],
  ['can u make me maker in finance sandbox thx', 'maker-role', { env: 'Finance Sandbox' }],
  ['requesting Environment Maker on IT-Tools', 'maker-role', { env: 'IT Tools' }],
  ['Maker-Role / Contoso-Test', 'maker-role', { env: 'Contoso Test' }],
  ['i cant create apps in contoso dev, can you give me the rights?', 'maker-role', { env: 'Contoso Dev' }],
  ['I need to be a maker in the sales env', 'maker-role', { env: 'Sales Trial' }],
  ['maker role in the operations environment', 'maker-role', { env: 'Operations Production' }],
  ['give maker to me for HR prod for one week', 'maker-role', { env: 'HR Production', ends: '2026-06-08' }],
  ['maker role pls', 'maker-role', { ask: 'environment' }],
  ['Maker role in Contoso', 'maker-role', { ask: 'environment' }],
  ['maker on uat', 'maker-role', { ask: 'environment' }],
  [
    'we need a brand-new sandbox in the EU for the legal team',
    'new-environment',
    { sku: 'Sandbox', location: 'europe' },
  ],
  ['Please create a developer env for me', 'new-environment', { sku: 'Developer' }],
  [
    'new production environment named Claims Portal in Canada, with Dataverse',
    'new-environment',
    { name: 'Claims Portal', sku: 'Production', location: 'canada', dataverse: true },
  ],
  ['how is REQ-1004 going?', 'status', { id: 'REQ-1004' }],
  ['did anyone look at my request yet?', 'status'],
  ['REQ-1002?', 'status', { id: 'REQ-1002' }],
  ['list everything I requested', 'list-mine'],
  ['what did I ask for last month', 'list-mine'],
  ['pls cancel my last request', 'cancel'],
  ['forget about REQ-1005, cancel it', 'cancel', { id: 'REQ-1005' }],
  ['show me the queue', 'list-pending'],
  ['approve REQ-1003', 'decide', { id: 'REQ-1003', verdict: 'approve' }],
  ['REQ-1004 denied, prod access needs a manager ok', 'decide', { id: 'REQ-1004', verdict: 'reject' }],
  ['reject REQ-1006', 'decide', { id: 'REQ-1006', verdict: 'reject' }],
  ['this channel is for audit', 'set-channel'],
  ['who granted maker roles last month?', 'audit'],
  ['please extend my maker access in contoso test until end of month', 'extend', { ends: '2026-06-30' }],
  ['what is a DLP policy?', 'help'],
  ['Salut!', 'greeting'],
  ['moin moin', 'greeting'],
  ['thank you!!', 'thanks'],
  ['👍', 'unknown'],
  ['ok cool', 'unknown'],
  ['can you order me a new laptop', 'unknown'],
  // third batch, written after all fixes and scored as it is: its misses stay listed as known misses
  ['yo can i get env maker in ops', 'maker-role', { env: 'Operations Production' }],
  [
    'Requesting maker privileges - Finance Production - quarterly close app',
    'maker-role',
    { env: 'Finance Production' },
  ],
  ['maker role for my personal dev environment', 'maker-role', { env: ADELE_ENV }],
  ['pls add me as a maker to contoso tst', 'maker-role', { env: 'Contoso Test' }],
  ['MAKER IN MARKETING PLS', 'maker-role', { env: 'Marketing Sandbox' }],
  [
    'unblock the youtube and x connectors in the marketing sandbox',
    'unblock-connector',
    { env: 'Marketing Sandbox', connectors: ['shared_youtube', 'shared_twitter'] },
  ],
  [
    'Hi! SQL Server connector is blocked in IT Tools - can it be opened up?',
    'unblock-connector',
    { env: 'IT Tools', connectors: ['shared_sql'] },
  ],
  [
    'unblock gmail in my dev env for 2 weeks',
    'unblock-connector',
    { env: ADELE_ENV, connectors: ['shared_gmail'], ends: '2026-06-15' },
  ],
  ['need the google mail connector on HR Dev', 'unblock-connector', { env: 'HR Dev', connectors: ['shared_gmail'] }],
  ['unblock slack in hr', 'unblock-connector', { connectors: ['shared_slack'], ask: 'environment' }],
  ['a new trial environment for me please, Europe', 'new-environment', { sku: 'Trial', location: 'europe' }],
  ['whats going on with req1003', 'status', { id: 'REQ-1003' }],
  ['show my stuff', 'list-mine'],
  ['withdraw REQ-1001', 'cancel', { id: 'REQ-1001' }],
  ['what needs my sign-off?', 'list-pending'],
  ['LGTM REQ-1005', 'decide', { id: 'REQ-1005', verdict: 'approve' }],
  ['nope, reject REQ-1007', 'decide', { id: 'REQ-1007', verdict: 'reject' }],
  ['good evening', 'greeting'],
  ['much appreciated 🙂', 'thanks'],
  ['is the canteen open today?', 'unknown'],
];
