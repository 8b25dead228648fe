// A wrong action is worse than a question: across every intake set, count the messages whose reading would start
// a request that the row does not ask for (a request intent other than the expected one, or any request intent
// for a message that asks for nothing). Printed next to accuracy per set; the goal is 0 on every set.
import assert from 'node:assert/strict';
import type { CatalogueSnapshot } from '../../src/intake/catalogue.js';
import { isRequestIntent } from '../../src/intake/intent.js';
import { understand } from '../../src/intake/understand.js';
import { CORPUS, type CorpusRow } from './corpus.js';
import { evaluate, fixtureSnapshot, NOW, REQUESTER, summarise } from './evaluate.js';
import { FRESH } from './fresh.js';
import { HELD_OUT } from './held-out.js';
import { NOT_ASKED } from './not-asked.js';

function wrongActions(rows: CorpusRow[], snapshot: CatalogueSnapshot): string[] {
  return rows.flatMap(([text, intent]) => {
    const u = understand(text, snapshot, { requesterId: REQUESTER, now: NOW });
    return isRequestIntent(u.kind) && u.kind !== intent
      ? [`${JSON.stringify(text)}: ${u.kind} (asked: ${intent})`]
      : [];
  });
}

describe('intake: wrong actions (a request filed that was not asked for)', () => {
  let snapshot: CatalogueSnapshot;
  let close: () => Promise<void>;
  before(async () => {
    ({ snapshot, close } = await fixtureSnapshot());
  });
  after(async () => close());

  it('messages that ask for nothing are answered, never filed, and say why', () => {
    const problems = NOT_ASKED.flatMap(([text, why]) => {
      const u = understand(text, snapshot, { requesterId: REQUESTER, now: NOW });
      return u.kind === 'unknown' && u.notAsked === why ? [] : [`${JSON.stringify(text)}: ${u.kind}/${u.notAsked}`];
    });
    assert.deepEqual(problems, []);
  });

  const sets: [string, () => CorpusRow[]][] = [
    ['corpus', () => CORPUS],
    ['held-out', () => HELD_OUT],
    ['fresh', () => FRESH],
    ['not-asked', () => NOT_ASKED.map(([text]) => [text, 'unknown'] as CorpusRow)],
  ];
  for (const [name, rows] of sets) {
    it(`${name}: 0 wrong actions`, function () {
      const wrong = wrongActions(rows(), snapshot);
      const s = summarise(rows().map((row) => evaluate(row, snapshot)));
      this.test!.title += ` (wrong actions ${wrong.length}/${rows().length}; accuracy ${JSON.stringify(s)})`;
      assert.deepEqual(wrong, []);
    });
  }
});
