// How far a typed word may be from the word it is taken for: one slip in a short word, two in a long one
// (a swap of neighbouring letters counts as one). Further than that it is another word ("gitlab" is not "github").
import distance from 'damerau-levenshtein';

/** Edits allowed between a typed word and the word it is corrected to. */
export function typoBudget(word: string): number {
  return word.length >= 8 ? 2 : 1;
}

export function withinTypoBudget(typed: string, word: string): boolean {
  if (typed === word) return true;
  const budget = typoBudget(typed);
  if (Math.abs(typed.length - word.length) > budget) return false;
  return distance(typed, word).steps <= budget;
}

/** Letter kinds counted by countLetters: a-z, 0-9, anything else. */
export const LETTER_KINDS = 37;

/** How often each letter kind occurs in a word, written at `at` (flat arrays: no allocation per word). */
export function countLetters(word: string, into: Uint16Array, at = 0): Uint16Array {
  into.fill(0, at, at + LETTER_KINDS);
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    into[at + (c >= 97 && c <= 122 ? c - 97 : c >= 48 && c <= 57 ? c - 22 : 36)]! += 1;
  }
  return into;
}

/**
 * False when two words are surely more than `budget` edits apart, from their letter counts alone (the first word's
 * at 0 in `a`, the second's at `bAt` in `b`): an edit adds or removes at most one letter of the surplus either word
 * has over the other (a swap moves none), so a larger surplus rules the pair out without computing the distance.
 */
export function mayBeWithin(a: Uint16Array, b: Uint16Array, bAt: number, budget: number): boolean {
  let more = 0;
  let fewer = 0;
  for (let i = 0; i < LETTER_KINDS; i++) {
    const d = (a[i] ?? 0) - (b[bAt + i] ?? 0);
    if (d > 0) more += d;
    else fewer -= d;
    if (more > budget || fewer > budget) return false;
  }
  return true;
}

/** The words the intent cues are written with: a slip in one of them should not hide the intent. */
const COMMAND_WORDS = `maker makers unblock unblocked connector connectors environment environments request requests
  sandbox production developer approve approved approval approvals reject rejected cancel status pending permission
  permissions access licence license licences licenses extend dataverse provision whitelist`.split(/\s+/);

const commandFixes = new Map<string, string | null>();

/**
 * Lower-case text with misspelt command words put right ("mkaer role", "new enviroment", "unbolck"): only
 * words that are not ordinary English, corrected to a command word with the same first letter.
 */
export function fixCommandWords(lower: string, isCommonWord: (w: string) => boolean): string {
  return lower.replace(/[a-z]{5,}/g, (w) => {
    let fixed = commandFixes.get(w);
    if (fixed === undefined) {
      fixed =
        COMMAND_WORDS.includes(w) || isCommonWord(w)
          ? null
          : (COMMAND_WORDS.find((c) => c[0] === w[0] && withinTypoBudget(w, c)) ?? null);
      if (commandFixes.size > 5000) commandFixes.clear();
      commandFixes.set(w, fixed);
    }
    return fixed ?? w;
  });
}
