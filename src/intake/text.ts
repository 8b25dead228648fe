// Text normalisation shared by the parser and the resolver: one place decides what a "word" is.

/** A word of the message: its normalised form, how it was typed, and where it was. */
export interface Token {
  /** lower case, accents removed, possessive 's dropped */
  norm: string;
  /** as typed (for case cues: "US" is a region, "us" a pronoun) */
  raw: string;
  index: number;
}

export function foldAccents(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/** Lower case, accents folded, punctuation to spaces, whitespace collapsed. */
export function normalise(s: string): string {
  return foldAccents(s)
    .toLowerCase()
    .replace(/['’`]s\b/g, '')
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9_]+/g, ' ')
    .trim();
}

export function tokenize(s: string): Token[] {
  const out: Token[] = [];
  const raw = foldAccents(s)
    .replace(/['’`]s\b/gi, '')
    .replace(/['’`]/g, '');
  // The runs of [A-Za-z0-9_], found by a scan: matchAll built a match object per word, on every message read.
  for (let start = 0; start < raw.length; ) {
    if (!isWordCode(raw.charCodeAt(start))) {
      start++;
      continue;
    }
    let end = start + 1;
    while (end < raw.length && isWordCode(raw.charCodeAt(end))) end++;
    const word = raw.slice(start, end);
    out.push({ norm: word.toLowerCase(), raw: word, index: out.length });
    start = end;
  }
  return out;
}

/** A character of [A-Za-z0-9_]. */
function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** Words that never name anything by themselves (they may still be part of a longer name). */
export const STOPWORDS = new Set(
  `a an the i me my mine we us our you your it its is are was be been am to of in on at for from by with and or but not no
  this that these those there here please pls plz can could would will shall should may might must do does did have has had
  get got give gimme grant need needs want wanted wants like just also some any one ones so as if then than too very really
  hi hey hello thanks thank thx ok okay yes yeah yep sure now today asap quick quickly into onto up about over under again
  what which who whom whose when where why how all both each few more most other such only own same s t don doesn cant can't
  im ive id role rights access permission permissions request requests environment environments env envs connector connectors
  new create make set use using used build app apps flow flows`.split(/\s+/),
);

/**
 * The match of `then` that starts after the first match of `first`, like the tail of /first.*then/ but linear:
 * a regex with .* between two parts retries the .* from every occurrence of the first part, which is quadratic
 * on a message that repeats it. (Chat text reaching the parser has no line breaks: cleanText collapses them.)
 */
export function matchAfter(first: RegExp, then: RegExp, text: string): RegExpExecArray | null {
  const a = first.exec(text);
  if (!a) return null;
  return then.exec(text.slice(a.index + a[0].length));
}

/** A predicate for "these patterns occur in this order" (see matchAfter). */
export function inOrder(...patterns: RegExp[]): (text: string) => boolean {
  return (text) => {
    let rest = text;
    for (const p of patterns) {
      const m = p.exec(rest);
      if (!m) return false;
      rest = rest.slice(m.index + m[0].length);
    }
    return true;
  };
}

/** Removes characters of a set from the end (a loop, not /[.!?]+$/, which is quadratic on a long run). */
export function trimEndChars(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1] ?? '')) end--;
  return text.slice(0, end);
}

/** Removes characters of a set from the start. */
export function trimStartChars(text: string, chars: string): string {
  let start = 0;
  while (start < text.length && chars.includes(text[start] ?? '')) start++;
  return text.slice(start);
}

/**
 * How much of a chat message is understood. Teams lets a message reach about 28 KB; a request with its reason
 * is a few sentences, so the understanding reads a prefix and the reply says the rest was left out.
 */
export const MAX_UNDERSTOOD_CHARS = 2000;

/** The prefix of a message that is understood (cut at a word boundary), and whether anything was cut. */
export function boundMessage(text: string): { text: string; cut: boolean; length: number } {
  if (text.length <= MAX_UNDERSTOOD_CHARS) return { text, cut: false, length: text.length };
  const prefix = text.slice(0, MAX_UNDERSTOOD_CHARS);
  const lastSpace = prefix.lastIndexOf(' ');
  return {
    text: lastSpace > MAX_UNDERSTOOD_CHARS * 0.8 ? prefix.slice(0, lastSpace) : prefix,
    cut: true,
    length: text.length,
  };
}
