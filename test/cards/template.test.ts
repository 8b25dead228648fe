// Templates are parsed once and expanded many times: every expansion must depend on its own data only.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { CardTemplateError, renderCard } from '../../src/teams/cards/template.js';
import { cardText } from '../support/connector-double.js';

const projectRoot = join(import.meta.dirname, '../..');

const withFacts = {
  title: 'Request REQ-1 was approved',
  color: 'Good',
  text: 'You now hold the role.',
  facts: [{ title: 'Decided by', value: 'Megan Bowen' }],
  items: [],
  actions: [{ title: 'Show request', verb: 'showRequest', data: { requestId: 'REQ-1' } }],
};
const bare = { title: 'Nothing to do', color: 'Default', text: null, facts: [], items: [], actions: [] };

describe('cards: a prepared template reused', () => {
  it('expands each time from that call’s data only', () => {
    const first = renderCard('notice-card', withFacts);
    const other = renderCard('notice-card', bare);
    const again = renderCard('notice-card', withFacts);
    assert.deepEqual(again, first);
    assert.match(cardText(first), /Megan Bowen/);
    assert.doesNotMatch(cardText(other), /Megan Bowen|You now hold|Show request/);
    assert.equal((other.body as unknown[]).length, 1, 'only the title: the $when parts are dropped');
  });

  it('renders normally after an expansion that failed', () => {
    assert.throws(() => renderCard('notice-card', { ...bare, title: undefined }), CardTemplateError);
    assert.match(cardText(renderCard('notice-card', withFacts)), /Request REQ-1 was approved/);
  });

  it('does not parse the template again for later cards', () => {
    renderCard('notice-card', bare);
    // The library's (private) static that parses a payload's ${...} expressions, counted while cards are rendered.
    const library = ACData.Template as unknown as { prepare: (node: unknown) => unknown };
    const prepare = library.prepare;
    let parsed = 0;
    library.prepare = (node: unknown) => {
      parsed++;
      return prepare(node);
    };
    try {
      for (let i = 0; i < 5; i++) renderCard('notice-card', { ...withFacts, title: `Request REQ-${i}` });
    } finally {
      library.prepare = prepare;
    }
    assert.equal(parsed, 0);
  });
});

describe('cards: the checks of an expanded card', () => {
  it('settles a card of ordinary size without serialising it', () => {
    const stringify = JSON.stringify;
    let calls = 0;
    JSON.stringify = ((...args: Parameters<typeof stringify>) => {
      calls++;
      return stringify(...args);
    }) as typeof JSON.stringify;
    try {
      renderCard('notice-card', withFacts);
    } finally {
      JSON.stringify = stringify;
    }
    assert.equal(calls, 0);
  });

  it('still refuses a card over 80 KB, counted in UTF-8 bytes of its JSON', () => {
    const withText = (text: string) => () => renderCard('notice-card', { ...withFacts, text });
    assert.doesNotThrow(withText('a'.repeat(70_000)));
    assert.throws(withText('a'.repeat(82_000)), /over 80 KB/);
    assert.throws(withText('€'.repeat(28_000)), /over 80 KB/, 'three bytes each');
    assert.throws(withText('\u0001'.repeat(14_000)), /over 80 KB/, 'six bytes each in JSON (\\u0001)');
  });

  it('still refuses a card with a template hole left in it', () => {
    assert.throws(
      () => renderCard('notice-card', { ...withFacts, text: 'see $\u007btitle}' }),
      /unresolved \$\{title\}/,
    );
  });
});

describe('cards: an approval’s cards decide their parts from prepared data', () => {
  for (const name of ['request-card', 'audit-entry-card'])
    it(`${name} has a single boolean field as every $when, not an expression evaluated on every render`, () => {
      const template = readFileSync(join(projectRoot, 'cards', `${name}.json`), 'utf8');
      const whens = [...template.matchAll(/"\$when": "([^"]*)"/g)];
      assert.ok(whens.length > 0);
      for (const [, when] of whens) assert.match(when ?? '', /^\$\{!?\w+\}$/);
    });
});
