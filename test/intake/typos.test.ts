// The letter-count bound that spares fuse.js must never rule out a word the typo budget would accept: if it did, a
// typo that is corrected today would silently stop being corrected.
import assert from 'node:assert/strict';
import { countLetters, LETTER_KINDS, mayBeWithin, typoBudget, withinTypoBudget } from '../../src/intake/typos.js';

describe('typos: the letter-count bound', () => {
  it('keeps every pair within the typo budget (one slip in a short word, two in a long one, swaps as one)', () => {
    let seed = 42;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const pick = () => letters[Math.floor(next() * 12)] ?? 'a'; // few letters: many near pairs
    const edit = (w: string) => {
      const i = Math.floor(next() * w.length);
      const kind = Math.floor(next() * 4);
      if (kind === 0) return w.slice(0, i) + w.slice(i + 1);
      if (kind === 1) return w.slice(0, i) + pick() + w.slice(i);
      if (kind === 2) return w.slice(0, i) + pick() + w.slice(i + 1);
      return i > 0 ? w.slice(0, i - 1) + (w[i] ?? '') + (w[i - 1] ?? '') + w.slice(i + 1) : w;
    };
    const typed = new Uint16Array(LETTER_KINDS);
    const word = new Uint16Array(LETTER_KINDS * 2);
    let within = 0;
    let ruledOut = 0;
    for (let n = 0; n < 20000; n++) {
      const length = 4 + Math.floor(next() * 9);
      const w = Array.from({ length }, pick).join('');
      let t = w;
      for (let e = Math.floor(next() * 4); e > 0; e--) t = edit(t);
      if (t.length < 1) continue;
      countLetters(t, typed);
      countLetters(w, word, LETTER_KINDS);
      const may = mayBeWithin(typed, word, LETTER_KINDS, typoBudget(t));
      if (withinTypoBudget(t, w)) {
        within++;
        assert.ok(may, `${t} is within the budget of ${w}, but the bound ruled it out`);
      } else if (!may) ruledOut++;
    }
    // Both kinds of pair were met, and the bound does rule some out (else it would spare nothing).
    assert.ok(within > 1000 && ruledOut > 1000, `within ${within}, ruled out ${ruledOut}`);
  });

  it('rules out words whose letters differ by more than the budget', () => {
    const a = countLetters('sandbox', new Uint16Array(LETTER_KINDS));
    const b = countLetters('salesforce', new Uint16Array(LETTER_KINDS));
    assert.equal(mayBeWithin(a, b, 0, 2), false);
    assert.equal(mayBeWithin(a, countLetters('sadnbox', new Uint16Array(LETTER_KINDS)), 0, 1), true);
  });
});
