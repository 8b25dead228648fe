// Words so common in chat that a message using one meant the word itself, not a misspelt catalogue name
// ("show" is not "snow", "approved" is not "approvals"): typo correction skips them, which is faster too.
import { createRequire } from 'node:module';
import { STOPWORDS } from './text.js';

// stopwords-iso ships plain JSON (language code → words); English is the language of catalogue names here.
const stopwordsIso = createRequire(import.meta.url)('stopwords-iso') as Record<string, string[] | undefined>;

/** Chat words that are never typos of a catalogue name. */
export const COMMON_WORDS: ReadonlySet<string> = new Set([
  ...STOPWORDS,
  ...(stopwordsIso['en'] ?? []),
  // request vocabulary the bot itself uses, in the forms people type
  'approve',
  'approved',
  'approval',
  'approvals',
  'approver',
  'reject',
  'rejected',
  'pending',
  'status',
  'unblock',
  'unblocked',
  'blocked',
  'block',
  'enable',
  'enabled',
  'allow',
  'allowed',
  'whitelist',
  'maker',
  'makers',
  'cancel',
  'because',
  'since',
  'until',
  'weeks',
  'week',
  'month',
  'months',
  'days',
]);
