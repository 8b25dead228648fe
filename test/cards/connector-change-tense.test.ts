// A connector unblock's card says what *will* change while the request is open, what *changed* once it is done,
// that it ended once the grant ended (early or on time), and that nothing changed when it was turned down.
import assert from 'node:assert/strict';
import type { RequestStatus } from '../../src/requests/model.js';
import { requestCard } from '../../src/teams/cards/composer.js';
import { cardText } from '../support/connector-double.js';
import { connectorUnblock, request } from './scenarios.js';

const headingFor = (status: RequestStatus) => {
  const text = cardText(requestCard(request(connectorUnblock(2), { status }), 'approver'));
  return ['What will change', 'What changed (now ended)', 'What changed', 'What was asked (not changed)'].find((h) =>
    text.includes(h),
  );
};

describe('cards: the tense of a connector change', () => {
  it('follows the request from open to done, ended or turned down', () => {
    assert.equal(headingFor('pending'), 'What will change');
    assert.equal(headingFor('approved'), 'What will change');
    assert.equal(headingFor('completed'), 'What changed');
    assert.equal(headingFor('revoked'), 'What changed (now ended)');
    assert.equal(headingFor('rejected'), 'What was asked (not changed)');
    assert.equal(headingFor('cancelled'), 'What was asked (not changed)');
  });
});
