// userText returns text with no character any of its escapes starts from as it is, without the replace passes: that
// shortcut must give what the passes give, for every character in every position an escape looks at.
import assert from 'node:assert/strict';
import { escapeUserText, MAY_NEED_ESCAPE, userText } from '../../src/teams/cards/user-text.js';

const CONTEXTS = ['X', 'aXb', 'XX', '1X', '12X3', 'X1', ' X ', '\tX', 'a\nX', 'X\nb', 'aX\nXb', 'a X', 'éXé', '9Xa'];
const EXTRA = ['\u2060', '\u200b', '\uff0a', '\u2014', '\u00a0', '\u3000', '😀', 'Ж', 'ش', '日'];

function* samples(): Generator<string> {
  const characters = [...Array.from({ length: 0x250 }, (_, i) => String.fromCodePoint(i)), ...EXTRA];
  for (const c of characters) for (const context of CONTEXTS) yield context.replaceAll('X', c);
  yield 'Megan Bowen';
  yield 'Marketing Sandbox';
  yield '[click](http://evil.example/x) **pwn** _ital_ mail@evil.com\n# head\n1. lst\n- dash';
}

describe('cards: user text shortcut', () => {
  it('gives what the escapes give, for every character in every position they look at', () => {
    let skipped = 0;
    for (const text of samples()) {
      assert.equal(userText(text), escapeUserText(text), JSON.stringify(text));
      if (!MAY_NEED_ESCAPE.test(text)) skipped++;
    }
    assert.ok(skipped > 1000, 'most samples take the shortcut');
  });
});
