// The help card's reader kind is looked up once per user per minute, not on every "help".
import assert from 'node:assert/strict';
import { HELP_AUDIENCE_TTL_MS, HelpAudience } from '../../src/teams/help-audience.js';

describe('teams: help audience', () => {
  let now = 0;
  let lookups: string[] = [];
  const approvers = new Set(['megan']);
  const isApprover = async (userId: string) => {
    lookups.push(userId);
    return approvers.has(userId);
  };
  beforeEach(() => {
    now = 1000;
    lookups = [];
  });

  it('answers approver or maker, asking the directory once per user within the minute', async () => {
    const audience = new HelpAudience(isApprover, { now: () => now });
    assert.equal(await audience.of('megan'), 'approver');
    assert.equal(await audience.of('alex'), 'maker');
    now += HELP_AUDIENCE_TTL_MS - 1;
    assert.equal(await audience.of('megan'), 'approver');
    assert.equal(await audience.of('alex'), 'maker');
    assert.deepEqual(lookups, ['megan', 'alex']);
  });

  it('asks again after the minute, so a membership change shows', async () => {
    const audience = new HelpAudience(isApprover, { now: () => now });
    assert.equal(await audience.of('alex'), 'maker');
    approvers.add('alex');
    now += HELP_AUDIENCE_TTL_MS + 1;
    assert.equal(await audience.of('alex'), 'approver');
    assert.deepEqual(lookups, ['alex', 'alex']);
    approvers.delete('alex');
  });

  it('shares one lookup between concurrent turns, and keeps no failed lookup', async () => {
    let fail = true;
    const audience = new HelpAudience(
      async (userId) => {
        lookups.push(userId);
        if (fail) throw new Error('graph unavailable');
        return false;
      },
      { now: () => now },
    );
    await assert.rejects(Promise.all([audience.of('alex'), audience.of('alex')]), /graph unavailable/);
    assert.deepEqual(lookups, ['alex']);
    fail = false;
    assert.equal(await audience.of('alex'), 'maker');
    assert.deepEqual(lookups, ['alex', 'alex']);
  });
});
