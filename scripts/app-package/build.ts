// Builds the Teams app package (manifest.json + two icons) for one environment, and reports every problem
// at once: schema, placeholders, GUIDs, domains, icons, command lists. Writes nothing; package.ts zips.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import { type BotCommand, commandListProblems, commandListsFor } from './command-lists.js';
import { iconProblems } from './icons.js';
import { schemaProblems } from './manifest-schema.js';
import { fillPlaceholders, placeholdersIn } from './placeholders.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(:\d+)?$/i;

export interface BuildInput {
  /** The manifest template text (manifest/manifest.json). */
  template: string;
  /** Folder holding the icons the manifest names. */
  manifestDir: string;
  vars: Record<string, string | undefined>;
  commands: readonly BotCommand[];
}

export interface BuildResult {
  problems: string[];
  manifest?: Record<string, unknown>;
  files: Map<string, Buffer>;
}

type Manifest = Record<string, any>;

/** The template with commandLists regenerated from the bot's commands (what gets committed and packaged). */
export function withCommandLists(template: string, commands: readonly BotCommand[]): string {
  const manifest = JSON.parse(template) as Manifest;
  for (const bot of manifest.bots ?? []) bot.commandLists = commandListsFor(commands);
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function idProblems(m: Manifest): string[] {
  const problems: string[] = [];
  const check = (path: string, value: unknown) => {
    if (typeof value === 'string' && value.includes('${{')) return; // reported as a missing placeholder
    if (typeof value !== 'string' || !GUID.test(value)) problems.push(`${path}: "${String(value)}" is not a GUID`);
  };
  check('id', m.id);
  for (const [i, b] of ((m.bots ?? []) as Manifest[]).entries()) check(`bots[${i}].botId`, b.botId);
  if (m.webApplicationInfo) check('webApplicationInfo.id', m.webApplicationInfo.id);
  return problems;
}

function domainProblems(m: Manifest): string[] {
  const domains: unknown[] = Array.isArray(m.validDomains) ? m.validDomains : [];
  const problems = domains
    .filter((d) => typeof d !== 'string' || (!d.includes('${{') && !DOMAIN.test(d)))
    .map((d) => `validDomains: "${String(d)}" is not a bare domain (no scheme, no path), e.g. govbot.contoso.com`);
  if (domains.length === 0) problems.push('validDomains: empty; list the domain the bot is served from (BOT_DOMAIN)');
  return problems;
}

/** Teams shows these links in the app details; it accepts https only, which the schema does not enforce. */
function urlProblems(m: Manifest): string[] {
  return Object.entries((m.developer ?? {}) as Record<string, unknown>)
    .filter(
      ([key, value]) =>
        key.endsWith('Url') && typeof value === 'string' && !value.includes('${{') && !/^https:\/\/[^\s/]+/.test(value),
    )
    .map(([key, value]) => `developer.${key}: "${String(value)}" must be an https:// URL`);
}

export function buildAppPackage(input: BuildInput): BuildResult {
  const problems: string[] = [];
  const files = new Map<string, Buffer>();
  let template: string;
  try {
    template = withCommandLists(input.template, input.commands);
  } catch (error) {
    return { problems: [`manifest.json is not valid JSON: ${(error as Error).message}`], files };
  }
  problems.push(...commandListProblems(input.commands));
  const { text, missing } = fillPlaceholders(template, input.vars);
  for (const name of missing) problems.push(`placeholder \${{${name}}} has no value: set ${name} in the env file`);
  const manifest = JSON.parse(text) as Manifest;
  const left = placeholdersIn(text).filter((p) => !missing.includes(p));
  for (const name of left) problems.push(`placeholder \${{${name}}} is still in the manifest`);
  problems.push(...schemaProblems(manifest));
  problems.push(...idProblems(manifest), ...domainProblems(manifest), ...urlProblems(manifest));
  for (const role of ['color', 'outline'] as const) {
    const name = manifest.icons?.[role];
    if (typeof name !== 'string') continue; // the schema reported it
    const path = join(input.manifestDir, name);
    const bytes = existsSync(path) ? readFileSync(path) : undefined;
    problems.push(...iconProblems(role, name, bytes));
    if (bytes) files.set(name, bytes);
  }
  files.set('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  return { problems, manifest, files };
}

/** A zip with fixed timestamps, so the same inputs give the same bytes. */
export async function zipFiles(files: Map<string, Buffer>): Promise<Buffer> {
  const zip = new JSZip();
  const date = new Date('2026-01-01T00:00:00Z');
  for (const [name, bytes] of [...files].sort(([a], [b]) => a.localeCompare(b))) zip.file(name, bytes, { date });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', platform: 'UNIX' });
}
