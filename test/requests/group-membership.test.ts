// A directory check made earlier in a turn answers a later question only about groups it covered.
import assert from 'node:assert/strict';
import { answerFrom } from '../../src/requests/group-membership.js';

describe('group membership: reusing one directory check', () => {
  const known = { userId: 'u1', checked: ['Admins-ID', 'senior-id', 'stage-id'], memberOf: ['admins-id'] };

  it('answers for groups the check covered, whatever the case of their ids', () => {
    assert.equal(answerFrom(known, ['ADMINS-ID']), true);
    assert.equal(answerFrom(known, ['stage-id', 'admins-id']), true);
    assert.equal(answerFrom(known, ['senior-id']), false);
  });

  it('does not answer when a group was not covered: the caller asks the directory', () => {
    assert.equal(answerFrom(known, ['other-id']), undefined);
    assert.equal(answerFrom(known, ['admins-id', 'other-id']), undefined);
  });
});
