// Text people typed (justifications, names, reasons, answers, comments) shown in Teams as they typed it: never as a
// working link, bold text, a heading, an @mention or HTML. Teams reads card TextBlocks and message text as markdown
// and turns bare URLs into links, so user text is escaped once, where it is put into what the bot writes.
//
// Markup characters become HTML character references (&#42; for *): CommonMark shows a reference as the character
// and never reads it as markup, and escaping twice changes nothing (no & is escaped, and no reference contains a
// character that is), so a fragment already escaped can be composed into a longer escaped text safely.
// Links are broken with an invisible WORD JOINER (U+2060) between the two slashes after a scheme and after the dots
// of a host name, so no autolinker sees a URL, a domain or an e-mail address.
// The first { of {{ becomes &#123; too: Adaptive Cards (the JS renderer and Teams) replace {{DATE(…)}} and {{TIME(…)}}
// in a TextBlock by a formatted date before reading markdown, so typed text would show a date instead of what was typed.

const WJ = '\u2060';

/** Anywhere in a line: emphasis, links and images, code, HTML and @mentions, strikethrough, tables, escapes. */
const INLINE: Record<string, string> = {
  '*': '&#42;',
  '[': '&#91;',
  ']': '&#93;',
  '`': '&#96;',
  '<': '&lt;',
  '>': '&gt;',
  '~': '&#126;',
  '|': '&#124;',
  '\\': '&#92;',
};
const INLINE_CHARS = /[*[\]`<>~|\\]/g;

/** _ opens or closes emphasis only at a word boundary (snake_case names stay as they are). */
const LOOSE_UNDERSCORE = /(^|[^\p{L}\p{N}])_|_(?=[^\p{L}\p{N}]|$)/gu;

/** A line that markdown would read as a heading, a list item, a rule or a setext underline. */
const LINE_START_MARK = /^([ \t]*)([#=+-])/gm;
const LINE_START_NUMBER = /^([ \t]*\d{1,9})([.)])/gm;

/** scheme://host and //host: the slashes split so no autolinker sees a URL. */
const DOUBLE_SLASH = /\/\//g;
/** host.name: a dot between letters or digits. */
const HOST_DOT = /([\p{L}\p{N}])\.(?=[\p{L}\p{N}])/gu;
/** name@host: an e-mail address's name ends before the @ (autolinkers read it in ASCII only). */
const AT_SIGN = /([\p{L}\p{N}_.+-])@/gu;
const LINE_BREAKS = /\r\n?/g;
/** The first brace of {{, which opens a card's date or time function. */
const DOUBLE_BRACE = /\{(?=\{)/g;

function breakLinks(text: string): string {
  return text.replace(DOUBLE_SLASH, `/${WJ}/`).replace(HOST_DOT, `$1.${WJ}`).replace(AT_SIGN, `$1${WJ}@`);
}

function inlineSafe(text: string): string {
  return breakLinks(text.replace(LINE_BREAKS, '\n'))
    .replace(INLINE_CHARS, (c) => INLINE[c] ?? c)
    .replace(DOUBLE_BRACE, '&#123;')
    .replace(LOOSE_UNDERSCORE, (m) => m.replace('_', '&#95;'));
}

/**
 * Every character one of userText's escapes starts from (a line-start number needs its "." or ")"): most names and
 * many sentences have none, and are returned as they are instead of going through twelve replace passes.
 */
export const MAY_NEED_ESCAPE = /[\r/.@*[\]`<>~|\\_#=+\-){]/;

/** userText without the shortcut, so a test can show the shortcut skips only text it leaves as it is. */
export function escapeUserText(text: string): string {
  return inlineSafe(text)
    .replace(LINE_START_MARK, (_m, indent: string, mark: string) => `${indent}&#${mark.charCodeAt(0)};`)
    .replace(LINE_START_NUMBER, (_m, number: string, mark: string) => `${number}&#${mark.charCodeAt(0)};`);
}

/** Typed text as text in a card's markdown field (TextBlock): no link, markup, mention or HTML comes of it. */
export function userText(text: string): string {
  return MAY_NEED_ESCAPE.test(text) ? escapeUserText(text) : text;
}

const HEADING_START = /^([ \t]*)#/gm;
/** A line of only - or = (a rule, or a setext underline that makes the line above a heading). */
const RULE_LINE = /^([ \t]*)([-=])(?=[-= \t]*$)/gm;

/**
 * A whole text message of the bot's (its own words with what people typed in them): the same, except that the bot's
 * own line-start lists ("1. …", "- …") stay lists; headings and rules are still turned into text.
 */
export function replyText(text: string): string {
  return inlineSafe(text)
    .replace(HEADING_START, (_m, indent: string) => `${indent}&#35;`)
    .replace(RULE_LINE, (_m, indent: string, mark: string) => `${indent}&#${mark.charCodeAt(0)};`);
}
