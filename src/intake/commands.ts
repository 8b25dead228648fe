// The bot's command list: ONE source of truth for the help card and for manifest.json commandLists
// (Teams shows at most 10 commands per scope; titles at most 32 characters, descriptions at most 128).

export type CommandScope = 'personal' | 'team' | 'groupChat';

export interface BotCommand {
  title: string;
  description: string;
  scopes: CommandScope[];
  /** Example phrasings for the help card (the first one is shown there). */
  examples: string[];
  /** Who the help card shows it to: what a maker can ask, follow up on, or (approvers only) decide. */
  group: 'ask' | 'follow-up' | 'decide';
}

export const BOT_COMMANDS: BotCommand[] = [
  {
    title: 'help',
    group: 'follow-up',
    description: 'What I can do, with examples',
    scopes: ['personal', 'team', 'groupChat'],
    examples: ['help', 'what can you do?'],
  },
  {
    title: 'maker role',
    group: 'ask',
    description: 'Ask for the Environment Maker role in an environment',
    scopes: ['personal'],
    examples: [
      'could I get maker rights on the finance sandbox? I build the budget app',
      'maker role in my dev environment',
    ],
  },
  {
    title: 'unblock connector',
    group: 'ask',
    description: 'Ask to unblock a connector in an environment, e.g. "unblock Dropbox in Contoso Dev"',
    scopes: ['personal'],
    examples: ['pls unblock dropbox for contoso dev', 'unblock SQL and Salesforce in IT Tools for 2 weeks'],
  },
  {
    title: 'new environment',
    group: 'ask',
    description: 'Ask for a new environment: name, type, region, Dataverse',
    scopes: ['personal'],
    examples: ['new sandbox environment called Payroll Tools in Europe with Dataverse'],
  },
  {
    title: 'my requests',
    group: 'follow-up',
    description: 'Your requests with their state and next step; cancel a pending one, e.g. "cancel REQ-1001"',
    scopes: ['personal'],
    examples: ['my requests', "what's happening with my dropbox request?", 'status REQ-1001', 'cancel my request'],
  },
  {
    title: 'answer',
    group: 'follow-up',
    description:
      'Answer an approver\'s question: just type it after the question, or "answer REQ-1001 it is for the budget app"',
    scopes: ['personal'],
    examples: ['reply to REQ-1001: about 20 people will use it'],
  },
  {
    title: 'extend',
    group: 'follow-up',
    description: 'Keep a time-bound grant longer (a new approval), e.g. "extend REQ-1001 for 2 weeks"',
    scopes: ['personal'],
    examples: ['can I keep the maker role in Finance Sandbox another month', 'extend REQ-1001 until Friday'],
  },
  {
    title: 'pending requests',
    group: 'decide',
    description: 'Approvers: requests waiting for a decision',
    scopes: ['personal', 'team'],
    examples: ['pending requests', 'what needs my approval?'],
  },
  {
    title: 'approve',
    group: 'decide',
    description: 'Approvers: approve a request with a comment, e.g. "approve REQ-1001 looks fine"',
    // Not in the personal menu (Teams shows 10 commands per scope); typed in a personal chat it works the same.
    scopes: ['team'],
    examples: ['approve REQ-1001 looks fine', 'reject REQ-1002 not needed'],
  },
  {
    title: 'audit',
    group: 'decide',
    description: 'Approvers: latest audit entries for an environment, request or person, with the export command',
    scopes: ['personal', 'team'],
    examples: [
      'audit for Finance Sandbox last week',
      'show the audit trail of REQ-1001',
      'audit log for Megan yesterday',
    ],
  },
  {
    title: 'licence report',
    group: 'decide',
    description: 'Approvers: who holds which Power Apps / Power Automate plans, with the CSV export command',
    scopes: ['personal', 'team'],
    examples: ['licence report', 'who has Power Apps licences?'],
  },
  {
    title: 'set approvals channel',
    group: 'decide',
    description: 'Approvers, in a team channel: post approval cards here (also audit, notifications)',
    scopes: ['team'],
    examples: ['set approvals channel', 'set audit channel', 'set notifications channel'],
  },
];
