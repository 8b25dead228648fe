// What the bot understood from a message, before names are resolved against the catalogue.
import type { ChannelKind } from '../requests/ports/store.js';
import type { Span } from './duration.js';
import type { Link } from './links.js';
import type { Token } from './text.js';
import type { TimeRange } from './time-range.js';

export const INTENT_KINDS = [
  'maker-role',
  'unblock-connector',
  'new-environment',
  'status',
  'list-mine',
  'cancel',
  'list-pending',
  'decide',
  'set-channel',
  'audit',
  'licence-report',
  'answer-info',
  'extend',
  'help',
  'greeting',
  'thanks',
  'unknown',
] as const;
export type IntentKind = (typeof INTENT_KINDS)[number];

export const REQUEST_INTENTS = ['maker-role', 'unblock-connector', 'new-environment'] as const;
export type RequestIntent = (typeof REQUEST_INTENTS)[number];

export function isRequestIntent(kind: IntentKind): kind is RequestIntent {
  return (REQUEST_INTENTS as readonly string[]).includes(kind);
}

export type EnvironmentSku = 'Production' | 'Sandbox' | 'Trial' | 'Developer';

/** The parser's reading of one message: cue scores per intent and the raw pieces it found. */
export interface ParsedMessage {
  text: string;
  /** Evidence per intent (0..1) from wording alone; understand.ts adds what the catalogue knows. */
  cues: Partial<Record<IntentKind, number>>;
  requestIds: string[];
  verdict?: 'approve' | 'reject' | undefined;
  comment?: string | undefined;
  channel?: ChannelKind | undefined;
  /** Where a link in it pointed is kept as text: "spec (https://…)" (links.ts). */
  justification?: string | undefined;
  /** The message's links (markdown or Teams HTML), read as their labels in `text`. */
  links?: Link[] | undefined;
  grantEndsAt?: string | undefined;
  /** "answer REQ-1003 it is for the budget app": the answer's text. */
  answerText?: string | undefined;
  /** "for 2 weeks", "another month": how much longer a grant should last (extensions). */
  extension?: Span | undefined;
  /** "last week", "yesterday", "since Monday": the time range of an audit question. */
  auditRange?: TimeRange | undefined;
  /** The words that may name things (the justification and the duration cut out). */
  tokens: Token[];
  /** Every word of the message, for a second look when the head names nothing. */
  allTokens: Token[];
  newEnvironment: {
    name?: string | undefined;
    sku?: EnvironmentSku | undefined;
    dataverse?: boolean | undefined;
    currency?: string | undefined;
    languageLcid?: number | undefined;
  };
  /** Short answers to a question the bot asked. */
  answer: {
    yes?: boolean | undefined;
    no?: boolean | undefined;
    ordinal?: number | undefined;
    correction?: boolean | undefined;
    change?: boolean | undefined;
  };
}

/** Removes Teams @mention markup (<at>Bot</at>) and collapses whitespace. */
export function cleanText(text: string): string {
  return (
    text
      .replace(/<at>[^<]*<\/at>/gi, ' ')
      // A markdown link typed in chat reads as its label ("end my [Dropbox](https://…) exception" is about Dropbox);
      // the address class excludes brackets so a run of unclosed links is scanned once, not once per bracket.
      .replace(/\[([^[\]]*)\]\([^()[\]\s]*\)/g, '$1')
      .replace(/<[^<>]+>/g, ' ')
      .replace(/&nbsp;/g, ' ')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
      .trim()
  );
}
