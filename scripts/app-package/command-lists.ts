// Teams manifest commandLists from the bot's own command list (src/intake/commands.ts): one source of truth
// for what the bot says it can do in each scope.
export type CommandScope = 'personal' | 'team' | 'groupChat';

export interface BotCommand {
  title: string;
  description: string;
  scopes: readonly CommandScope[] | readonly string[];
}

export interface CommandList {
  scopes: CommandScope[];
  commands: { title: string; description: string }[];
}

const SCOPE_ORDER: CommandScope[] = ['personal', 'team', 'groupChat'];
/** Teams shows at most 10 commands per list. */
export const MAX_COMMANDS_PER_SCOPE = 10;

/** One list per scope that has commands, in the order the bot lists them (Teams caps a list at 10). */
export function commandListsFor(commands: readonly BotCommand[]): CommandList[] {
  const lists: CommandList[] = [];
  for (const scope of SCOPE_ORDER) {
    const inScope = commands.filter((c) => (c.scopes as readonly string[]).includes(scope));
    if (inScope.length === 0) continue;
    lists.push({
      scopes: [scope],
      commands: inScope.slice(0, MAX_COMMANDS_PER_SCOPE).map((c) => ({ title: c.title, description: c.description })),
    });
  }
  return lists;
}

/** Problems Teams would reject or silently hide: too many commands, over-long titles. */
export function commandListProblems(commands: readonly BotCommand[]): string[] {
  const problems: string[] = [];
  for (const scope of SCOPE_ORDER) {
    const n = commands.filter((c) => (c.scopes as readonly string[]).includes(scope)).length;
    if (n > MAX_COMMANDS_PER_SCOPE)
      problems.push(`commands: ${n} commands in scope ${scope}; Teams shows at most ${MAX_COMMANDS_PER_SCOPE}`);
  }
  for (const c of commands) {
    for (const s of c.scopes) {
      if (!(SCOPE_ORDER as string[]).includes(s)) problems.push(`commands: "${c.title}" has unknown scope "${s}"`);
    }
  }
  return problems;
}
