import assert from 'node:assert/strict';
import type { GovernanceRequest, Person } from '../../src/requests/model.js';
import {
  cancel,
  cardRevision,
  complete,
  currentStage,
  decide,
  expire,
  fail,
  nextStep,
  recordProgress,
  revoke,
  startExecution,
} from '../../src/requests/state-machine.js';

const requester: Person = { id: 'requester', upn: 'r@contoso', displayName: 'Requester' };
const ann: Person = { id: 'ann', upn: 'ann@contoso', displayName: 'Ann' };
const bob: Person = { id: 'bob', upn: 'bob@contoso', displayName: 'Bob' };
const at = '2026-11-28T10:00:00.000Z';

function request(overrides: Partial<GovernanceRequest> = {}): GovernanceRequest {
  return {
    id: 'REQ-1001',
    version: 1,
    type: 'maker-role',
    status: 'pending',
    requester: { ...requester, hasPowerAppsLicense: true },
    details: {
      type: 'maker-role',
      environment: {
        id: 'env',
        displayName: 'Env',
        sku: 'Sandbox',
        location: 'europe',
        hasDataverse: false,
        isDefault: false,
      },
    },
    createdAt: at,
    updatedAt: at,
    decisions: [],
    stages: [{ name: 'Admin approval', groupId: 'admins', groupName: 'Admins', approvals: 1 }],
    execution: { progress: [], checkpoint: {}, apiCalls: [] },
    ...overrides,
  };
}

const twoStages = [
  { name: 'Admin approval', groupId: 'admins', groupName: 'Admins', approvals: 1 },
  { name: 'Senior approval', groupId: 'seniors', groupName: 'Seniors', approvals: 1 },
];

describe('requests: state machine', () => {
  it('approves a single-stage request with one approver', () => {
    const out = decide(request(), { actor: ann, verdict: 'approve', actorIsStageApprover: true, at });
    assert.ok(out.ok);
    assert.equal(out.request.status, 'approved');
    assert.equal(out.request.decisions[0]?.stage, 0);
    assert.equal(cardRevision(out.request), 1);
  });

  it('rejects with a comment', () => {
    const out = decide(request(), { actor: ann, verdict: 'reject', comment: 'no', actorIsStageApprover: true, at });
    assert.ok(out.ok);
    assert.equal(out.request.status, 'rejected');
    assert.equal(out.request.decisions[0]?.comment, 'no');
  });

  it('refuses self-approval, non-approvers and decided requests', () => {
    const self = decide(request(), {
      actor: { ...requester },
      verdict: 'approve',
      actorIsStageApprover: true,
      at,
    });
    assert.equal(self.ok ? undefined : self.refusal.code, 'SELF_APPROVAL');
    const outsider = decide(request(), { actor: ann, verdict: 'approve', actorIsStageApprover: false, at });
    assert.equal(outsider.ok ? undefined : outsider.refusal.code, 'NOT_AN_APPROVER');
    const decided = decide(request({ status: 'approved' }), {
      actor: ann,
      verdict: 'reject',
      actorIsStageApprover: true,
      at,
    });
    assert.equal(decided.ok ? undefined : decided.refusal.code, 'ALREADY_DECIDED');
  });

  it('walks two stages and keeps one person from filling both', () => {
    const first = decide(request({ stages: twoStages }), {
      actor: ann,
      verdict: 'approve',
      actorIsStageApprover: true,
      at,
    });
    assert.ok(first.ok);
    assert.equal(first.request.status, 'pending');
    assert.equal(currentStage(first.request), 1);
    const again = decide(first.request, { actor: ann, verdict: 'approve', actorIsStageApprover: true, at });
    assert.equal(again.ok ? undefined : again.refusal.code, 'ALREADY_APPROVED_BY_YOU');
    const second = decide(first.request, { actor: bob, verdict: 'approve', actorIsStageApprover: true, at });
    assert.ok(second.ok);
    assert.equal(second.request.status, 'approved');
    assert.equal(second.request.decisions[1]?.stage, 1);
  });

  it('needs the configured count of distinct approvers in a stage', () => {
    const stages = [{ name: 'Two admins', groupId: 'admins', approvals: 2 }];
    const one = decide(request({ stages }), { actor: ann, verdict: 'approve', actorIsStageApprover: true, at });
    assert.ok(one.ok);
    assert.equal(one.request.status, 'pending');
    const two = decide(one.request, { actor: bob, verdict: 'approve', actorIsStageApprover: true, at });
    assert.ok(two.ok);
    assert.equal(two.request.status, 'approved');
  });

  it('lets only the requester cancel, and only while pending', () => {
    assert.equal(cancel(request(), 'ann', at).ok, false);
    const ok = cancel(request(), 'requester', at);
    assert.ok(ok.ok);
    assert.equal(ok.request.status, 'cancelled');
    const late = cancel(request({ status: 'approved' }), 'requester', at);
    assert.equal(late.ok ? undefined : late.refusal.code, 'NOT_PENDING');
  });

  it('runs approved → executing → completed, resumes an executing request, and refuses skipping', () => {
    assert.equal(startExecution(request(), at).ok, false);
    const started = startExecution(request({ status: 'approved' }), at);
    assert.ok(started.ok);
    assert.equal(started.request.status, 'executing');
    const resumed = startExecution(started.request, at);
    assert.ok(resumed.ok);
    assert.equal(resumed.request, started.request);
    const done = complete(started.request, at, { link: 'x' });
    assert.ok(done.ok);
    assert.equal(done.request.status, 'completed');
    assert.equal(done.request.execution.result?.link, 'x');
    assert.ok(revoke(done.request, at).ok);
    const failed = fail(started.request, at, { code: 'E', message: 'boom' });
    assert.ok(failed.ok);
    assert.equal(failed.request.execution.error?.code, 'E');
    assert.equal(complete(request(), at).ok, false);
  });

  it('expires only pending requests', () => {
    assert.ok(expire(request(), at).ok);
    assert.equal(expire(request({ status: 'completed' }), at).ok, false);
  });

  it('records progress steps in place, keeping their order and checkpoint facts', () => {
    let r = recordProgress(request(), 'Validate', 'running', at, { location: 'L' });
    r = recordProgress(r, 'Run', 'running', at);
    r = recordProgress(r, 'Validate', 'done', at);
    assert.deepEqual(
      r.execution.progress.map((p) => `${p.step}:${p.state}`),
      ['Validate:done', 'Run:running'],
    );
    assert.equal(r.execution.checkpoint.location, 'L');
  });

  it('says the next step in plain words for every status', () => {
    assert.match(nextStep(request()), /Waiting for Admins/);
    // What the requester must read next, per status: who acts now, and whether anything changed.
    const expected = {
      approved: /^Approved; the change is about to run\.$/,
      executing: /^The change is running now\.$/,
      completed: /^Done\.$/,
      failed: /^The change failed; an admin has been told\.$/,
      rejected: /^Rejected; nothing was changed\.$/,
      cancelled: /^Cancelled by you; nothing was changed\.$/,
      expired: /^Expired without a decision; ask again if you still need it\.$/,
      revoked: /^The time-bound grant has ended and was reverted\.$/,
    } as const;
    for (const [status, next] of Object.entries(expected) as [keyof typeof expected, RegExp][]) {
      const said = nextStep(request({ status }));
      assert.match(said, next, `${status}: "${said}"`);
    }
    // A time-bound grant that is done says when it ends.
    assert.equal(
      nextStep(request({ status: 'completed', grantEndsAt: '2026-12-05T17:00:00.000Z' })),
      'Done. It ends on 2026-12-05.',
    );
  });
});
