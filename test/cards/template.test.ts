// Templates are parsed once and expanded many times: every expansion must depend on its own data only.
import assert from 'node:assert/strict';
import * as ACData from 'adaptivecards-templating';
import { CardTemplateError, renderCard } from '../../src/teams/cards/template.js';
import { cardText } from '../support/connector-double.js';

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
