// The first score of each blind set: how the parser of the time understood each row before it had ever been changed
// for that row. Recorded once, dated, and NEVER edited afterwards (not even when the scoring rules grow): a blind
// set is blind once. bench:intake and the set's tests print today's score beside it, under its own name.
//
// How these were obtained (2026-11-30, from the git history): each row scored with test/intake/evaluate.ts of the
// parser commit named below (the last commit before the one that added the row, which also changed the parser),
// with the row's label as first committed.

export interface FirstScore {
  /** When the set (or its last batch of rows) was first committed. */
  date: string;
  /** The parser the rows were first scored against. */
  parser: string;
  utterances: number;
  intent: string;
  entities: string;
  askedBackInsteadOfGuessing: string;
  allCorrect: string;
  /** Readings that would file a request the row did not ask for (evaluate.ts wrongAction), where recorded. */
  wrongActions?: string;
  note?: string;
}

export const FIRST_SCORES = {
  'held-out': {
    date: '2026-11-28',
    parser:
      'edc7d27 for the 210 rows added in ec4831d; ec4831d for the 67 rows added in d91a0b5 (each batch was committed together with parser changes)',
    utterances: 277,
    intent: '92.1% (255/277)',
    entities: '92.1% (163/177)',
    askedBackInsteadOfGuessing: '95.5% (21/22)',
    allCorrect: '87.4% (242/277)',
    note: '"I don\'t need Dropbox anymore" was labelled unknown; d91a0b5 relabelled it cancel in the commit that changed the parser to answer cancel. Scored here with its first label.',
  },
  fresh: {
    date: '2026-11-28',
    parser: 'fcccc9b (the fresh set and the fixes it showed were committed together in 6c53384)',
    utterances: 141,
    intent: '92.9% (131/141)',
    entities: '96.6% (84/87)',
    askedBackInsteadOfGuessing: '100.0% (15/15)',
    allCorrect: '91.5% (129/141)',
  },
  'blind-not-asked': {
    date: '2026-11-30',
    parser:
      'a3d3d0d (main when the set landed in 790e8c1/a3d3d0d; src/intake unchanged since 3f465a7, before any change made after reading the set)',
    utterances: 116,
    intent: '60.3% (70/116)',
    entities: '97.1% (33/34)',
    askedBackInsteadOfGuessing: '38.5% (5/13)',
    allCorrect: '50.9% (59/116)',
    wrongActions:
      '45/116 (36 a request of another kind or none asked; 8 an environment taken instead of asking; 1 a connector the maker said not)',
    note: 'With only the look-alike environment rule (0629bc3, written before the set was read): 37/116 wrong actions, asked back 84.6% (11/13), all correct 56.0% (65/116).',
  },
} as const satisfies Record<string, FirstScore>;

/** The first score as one line, for bench:intake and test output. */
export function describeFirstScore(s: FirstScore): string {
  const wrong = s.wrongActions ? `, wrong actions ${s.wrongActions}` : '';
  return `${s.utterances} utterances, intent ${s.intent}, entities ${s.entities}, asked back ${s.askedBackInsteadOfGuessing}, all correct ${s.allCorrect}${wrong} (${s.date}, parser ${s.parser})`;
}
