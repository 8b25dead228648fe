// Loads the bot's command list from src/intake/commands.ts: the first exported array of {title, description, scopes}.
// Loaded by shape rather than by name so the manifest follows the bot without a second list to keep in step.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../src/project-root.js';
import type { BotCommand } from './command-lists.js';

function isCommandList(value: unknown): value is BotCommand[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (c) =>
        c &&
        typeof c === 'object' &&
        typeof c.title === 'string' &&
        typeof c.description === 'string' &&
        Array.isArray(c.scopes),
    )
  );
}

export async function loadBotCommands(root = projectRoot()): Promise<BotCommand[]> {
  const base = join(root, 'src', 'intake', 'commands');
  const file = [`${base}.ts`, `${base}.js`].find((f) => existsSync(f));
  if (!file) throw new Error('src/intake/commands.ts not found: the manifest commandLists come from it');
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const list = Object.values(mod).find(isCommandList);
  if (!list) throw new Error('src/intake/commands.ts exports no array of {title, description, scopes}');
  return list;
}
