import assert from 'node:assert/strict';
import type { GovernanceRequest } from '../../src/requests/model.js';
import { roughDuration, usualDecisionMs, whoDecidesSentence } from '../../src/requests/who-decides.js';

const person = { id: 'a', upn: 'a@contoso.com', displayName: 'Megan Bowen' };

function request(over: Partial<GovernanceRequest> = {}): GovernanceRequest {
  return {
    id: 'REQ-1',
    version: 1,
    type: 'connector-unblock',
    status: 'pending',
    requester: { id: 'r', upn: 'r@contoso.com', displayName: 'Alex Wilber', hasPowerAppsLicense: true },
    details: {} as GovernanceRequest['details'],
    createdAt: '2026-11-02T09:00:00.000Z',
    updatedAt: '2026-11-02T09:00:00.000Z',
    decisions: [],
    stages: [{ name: 'Admins', groupId: 'g', groupName: 'Power Platform Admins', approvals: 1 }],
    routing: {
      ruleId: 'fallback',
      reason: 'Every other request needs one approval by a Power Platform admin.',
      outcome: 'require-approval',
    },
    execution: { progress: [], checkpoint: {}, apiCalls: [] },
    ...over,
  };
}

const decidedAfter = (minutes: number) =>
  request({
    status: 'completed',
    decisions: [
      {
        approver: person,
        verdict: 'approve',
        stage: 0,
        at: new Date(Date.parse('2026-11-02T09:00:00.000Z') + minutes * 60_000).toISOString(),
      },
    ],
  });

describe('requests: who decides', () => {
  it('takes the median time to a decision, and none from fewer than three', () => {
    assert.equal(usualDecisionMs([decidedAfter(10), decidedAfter(200)]), undefined);
    assert.equal(usualDecisionMs([decidedAfter(10), decidedAfter(200), decidedAfter(30)]), 30 * 60_000);
    assert.equal(
      usualDecisionMs([decidedAfter(10), decidedAfter(20), decidedAfter(30), decidedAfter(40)]),
      25 * 60_000,
    );
    assert.equal(roughDuration(3 * 3_600_000), '3 hours');
    assert.equal(roughDuration(50 * 3_600_000), '2 days');
  });

  it('says who, why and how long in one sentence', () => {
    const timings = { remindAfterHours: 24, expireAfterDays: 7 };
    assert.equal(
      whoDecidesSentence(request(), 2 * 3_600_000, timings),
      'Power Platform Admins decide: every other request needs one approval by a Power Platform admin; similar requests are usually decided within about 2 hours.',
    );
    assert.equal(
      whoDecidesSentence(request(), undefined, timings),
      'Power Platform Admins decide: every other request needs one approval by a Power Platform admin; they are reminded after 24 hours, and without a decision it expires after 7 days.',
    );
    // A dry run for a request not filed says what would happen.
    assert.equal(
      whoDecidesSentence(request(), undefined, timings, 'hypothetical'),
      'Power Platform Admins would decide: every other request needs one approval by a Power Platform admin; they are reminded after 24 hours, and without a decision it expires after 7 days.',
    );
    assert.match(
      whoDecidesSentence(decidedAfter(5), undefined, timings),
      /^Megan Bowen approved it on 2026-11-02: every other request/,
    );
    assert.equal(
      whoDecidesSentence(
        request({ routing: { ruleId: 'x', reason: 'DLP exceptions in Dev are fine.', outcome: 'auto-approve' } }),
        undefined,
        timings,
      ),
      'Nobody had to decide: DLP exceptions in Dev are fine.',
    );
    assert.match(
      whoDecidesSentence(
        request({
          routing: { ruleId: 'x', reason: 'A Non-business exception needs one admin.', outcome: 'require-approval' },
        }),
        undefined,
        timings,
      ),
      /^Power Platform Admins decide: a Non-business exception needs one admin; /,
    );
  });
});
