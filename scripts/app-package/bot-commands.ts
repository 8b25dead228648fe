// The bot's own command list (src/intake/commands.ts) is the one source of the manifest's commandLists.
import { BOT_COMMANDS } from '../../src/intake/commands.js';
import type { BotCommand } from './command-lists.js';

export function botCommands(): BotCommand[] {
  return [...BOT_COMMANDS];
}
