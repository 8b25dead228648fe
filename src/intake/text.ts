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
  for (const m of raw.matchAll(/[A-Za-z0-9_]+/g)) {
    out.push({ norm: m[0].toLowerCase(), raw: m[0], index: out.length });
  }
  return out;
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
