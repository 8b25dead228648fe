// Expands the Adaptive Card templates in cards/ with typed data. Fails loudly on expansion warnings or an
// unresolved ${...}, so a template/data mismatch is a bug found in tests, not a broken card in Teams.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as AdaptiveExpressions from 'adaptive-expressions';
import type * as ACData from 'adaptivecards-templating';
import { projectRoot } from '../../project-root.js';
import { userText } from './user-text.js';

// The templating library and its adaptive-expressions (ANTLR, lodash, an English word list: ~6 MB of heap) are
// required at the first card, not at start: an idle bot renders none. Both are CommonJS, so rendering stays synchronous.
const require = createRequire(import.meta.url);
const templating = () => require('adaptivecards-templating') as typeof ACData;
const expressions = () => require('adaptive-expressions') as typeof AdaptiveExpressions;

export const CARD_TEMPLATES = [
  'request-card',
  'audit-entry-card',
  'notice-card',
  'choice-card',
  'confirm-card',
  'help-card',
  'request-list-card',
] as const;
export type CardTemplateName = (typeof CARD_TEMPLATES)[number];

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
/** Teams rejects bot messages over ~100 KB; stay well under. */
export const MAX_CARD_BYTES = 80 * 1024;

/**
 * One prepared Template per card: the library parses every `${...}` (an ANTLR parse each) when a Template is built,
 * and a built Template can be expanded with different data again and again, so each file is read and parsed once.
 */
const prepared = new Map<CardTemplateName, ACData.Template>();

export class CardTemplateError extends Error {}

/** Every $when in a template must parse: the templating library reports a false $when and a broken one alike. */
function checkConditions(name: string, node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) checkConditions(name, item);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$when' && typeof value === 'string') {
        const inner = /^\$\{(.*)\}$/s.exec(value.trim())?.[1] ?? value;
        try {
          expressions().Expression.parse(inner);
        } catch (error) {
          throw new CardTemplateError(`${name}: $when "${value}" does not parse: ${(error as Error).message}`);
        }
      } else checkConditions(name, value);
    }
  }
}

function load(name: CardTemplateName): ACData.Template {
  let template = prepared.get(name);
  if (!template) {
    const json: unknown = JSON.parse(readFileSync(join(projectRoot(), 'cards', `${name}.json`), 'utf8'));
    checkConditions(name, json);
    template = new (templating().Template)(json);
    prepared.set(name, template);
  }
  return template;
}

const FALSE_WHEN =
  /^WARN: Unable to parse the Adaptive Expression .* The \$when condition has been set to false by default\.$/s;

/** ${ opens a template hole; {{ opens the renderer's {{DATE(…)}} and {{TIME(…)}} (formatted even in a code span). */
const TEMPLATE_OPENER = /\$(?=\{)|\{(?=\{)/g;

/** Neutralises template syntax inside text so it is shown, never evaluated, formatted or mistaken for a hole. */
export function plainLabel(text: string): string {
  return text.replace(TEMPLATE_OPENER, '$&\u200b');
}

/**
 * User-provided text for a markdown field of a card (TextBlock text, fact values): shown as typed, never evaluated as
 * template syntax nor read as a link, markup, @mention or HTML (see user-text.ts). Labels that Teams does not read
 * as markdown (button titles, choices) take plainLabel instead, or the character references would show.
 */
export function plain(text: string): string {
  return plainLabel(userText(text));
}

/** A command shown as code: inside a code span nothing is markdown, so only its own delimiter has to go. */
export function codeSpan(text: string): string {
  return `\`${plainLabel(text.replace(/`/g, "'"))}\``;
}

export type AdaptiveCard = Record<string, unknown>;

/** What renderCard's checks need to know of an expanded card, gathered while dropNulls copies it. */
interface Scan {
  /** An upper bound of the card's JSON in UTF-8 bytes: each UTF-16 unit of a string is at most 6 (\uXXXX). */
  bytesAtMost: number;
  /** A string holds "${": the only place an unresolved hole can be in the card's JSON. */
  mayHaveHole: boolean;
}

function scanString(text: string, scan: Scan): void {
  scan.bytesAtMost += 6 * text.length + 3; // quotes and a separator
  if (!scan.mayHaveHole && text.includes('${')) scan.mayHaveHole = true;
}

/**
 * A dropped object property ($when false) expands to null; Teams wants it absent. Builds a fresh copy (values passed
 * through whole from the data are not the caller's objects) in plain loops: the entries/filter/map/fromEntries
 * version made four arrays per object and cost as much CPU as the expansion itself in the approval burst's profile.
 */
function dropNulls(node: unknown, scan: Scan): unknown {
  if (Array.isArray(node)) {
    scan.bytesAtMost += 3;
    const items: unknown[] = [];
    // forEach skips holes, as filter did.
    node.forEach((item) => {
      if (item !== null) items.push(dropNulls(item, scan));
    });
    return items;
  }
  if (node !== null && typeof node === 'object') {
    scan.bytesAtMost += 3;
    const fields: Record<string, unknown> = {};
    for (const key of Object.keys(node)) {
      const value = (node as Record<string, unknown>)[key];
      if (value === null) continue;
      scanString(key, scan);
      // An own "__proto__" key (possible in data parsed from JSON) must stay a field, not become the prototype.
      if (key === '__proto__')
        Object.defineProperty(fields, key, {
          value: dropNulls(value, scan),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else fields[key] = dropNulls(value, scan);
    }
    return fields;
  }
  if (typeof node === 'string') scanString(node, scan);
  else scan.bytesAtMost += 32; // a number or boolean
  return node;
}

export function renderCard(name: CardTemplateName, data: object): AdaptiveCard {
  // expand() is synchronous and keeps its state on the instance only until it returns, so sharing is safe.
  const template = load(name);
  const scan: Scan = { bytesAtMost: 0, mayHaveHole: false };
  const card = dropNulls(template.expand({ $root: data }), scan) as AdaptiveCard;
  const warnings = template.getLastTemplateExpansionWarnings().filter((w) => !FALSE_WHEN.test(w));
  if (warnings.length > 0) throw new CardTemplateError(`${name}: ${warnings.join('; ')}`);
  // Serialising the card only to check it was a tenth of a render's CPU: the scan settles nearly every card.
  if (scan.mayHaveHole || scan.bytesAtMost > MAX_CARD_BYTES) checkJson(name, JSON.stringify(card));
  return card;
}

function checkJson(name: CardTemplateName, json: string): void {
  const hole = /\$\{[^{}]*\}/.exec(json);
  if (hole) throw new CardTemplateError(`${name}: unresolved ${hole[0]}`);
  if (Buffer.byteLength(json) > MAX_CARD_BYTES) throw new CardTemplateError(`${name}: card is over 80 KB`);
}

export function cardActivity(card: AdaptiveCard, summary?: string): Record<string, unknown> {
  return {
    type: 'message',
    ...(summary ? { summary } : {}),
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card }],
  };
}
