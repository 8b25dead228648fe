// The bot's command list: ONE source of truth for the help card and for manifest.json commandLists
// (Teams shows at most 10 commands per scope; titles at most 32 characters, descriptions at most 128).

export type CommandScope = 'personal' | 'team' | 'groupChat';

export interface BotCommand {
  title: string;
  description: string;
  scopes: CommandScope[];
  /** Example phrasings for the help card. */
  examples: string[];
}

export const BOT_COMMANDS: BotCommand[] = [
  {
    title: 'help',
    description: 'What I can do, with examples',
    scopes: ['personal', 'team', 'groupChat'],
    examples: ['help', 'what can you do?'],
  },
  {
    title: 'maker role',
    description: 'Ask for the Environment Maker role in an environment',
    scopes: ['personal'],
    examples: [
      'could I get maker rights on the finance sandbox? I build the budget app',
      'maker role in my dev environment',
    ],
  },
  {
    title: 'unblock connector',
    description: 'Ask to unblock a connector in an environment, e.g. "unblock Dropbox in Contoso Dev"',
    scopes: ['personal'],
    examples: ['pls unblock dropbox for contoso dev', 'unblock SQL and Salesforce in IT Tools for 2 weeks'],
  },
  {
    title: 'new environment',
    description: 'Ask for a new environment: name, type, region, Dataverse',
    scopes: ['personal'],
    examples: ['new sandbox environment called Payroll Tools in Europe with Dataverse'],
  },
  {
    title: 'my requests',
    description: 'Your requests with their state and next step',
    scopes: ['personal'],
    examples: ['my requests', "what's happening with my request?", 'status REQ-1001'],
  },
  {
    title: 'cancel',
    description: 'Cancel one of your pending requests, e.g. "cancel REQ-1001"',
    scopes: ['personal'],
    examples: ['cancel REQ-1001'],
  },
  {
    title: 'pending requests',
    description: 'Approvers: requests waiting for a decision',
    scopes: ['personal', 'team'],
    examples: ['pending requests', 'what needs my approval?'],
  },
  {
    title: 'approve',
    description: 'Approvers: approve a request with a comment, e.g. "approve REQ-1001 looks fine"',
    scopes: ['personal', 'team'],
    examples: ['approve REQ-1001 looks fine', 'reject REQ-1002 not needed'],
  },
  {
    title: 'set approvals channel',
    description: 'Approvers, in a team channel: post approval cards here (also audit, notifications)',
    scopes: ['team'],
    examples: ['set approvals channel', 'set audit channel', 'set notifications channel'],
  },
];

/** The manifest's commandLists, derived from BOT_COMMANDS. */
export function manifestCommandLists(): {
  scopes: CommandScope[];
  commands: { title: string; description: string }[];
}[] {
  const scopes: CommandScope[] = ['personal', 'team', 'groupChat'];
  return scopes
    .map((scope) => ({
      scopes: [scope],
      commands: BOT_COMMANDS.filter((c) => c.scopes.includes(scope))
        .slice(0, 10)
        .map((c) => ({ title: c.title, description: c.description })),
    }))
    .filter((list) => list.commands.length > 0);
}
