// The request lifecycle as pure functions: each takes a request and an intent and returns the next request
// or a refusal value. No I/O, no clock (time is passed in), so every rule is testable in isolation.
import {
  type ApiCall,
  type Decision,
  FINAL_STATUSES,
  type GovernanceRequest,
  type Person,
  type RequestStatus,
} from './model.js';

export type RefusalCode =
  | 'SELF_APPROVAL'
  | 'NOT_AN_APPROVER'
  | 'ALREADY_DECIDED'
  | 'ALREADY_APPROVED_BY_YOU'
  | 'STALE_CARD'
  | 'NOT_PENDING'
  | 'NOT_REQUESTER'
  | 'INVALID_TRANSITION'
  /** Separation of duties by policy rule: the environment's creator or admin may not approve. */
  | 'OWNER_CONFLICT'
  /** The approver's choices (e.g. tenant-wide) are denied by the policy. */
  | 'CHOICE_NOT_ALLOWED';

export interface Refusal {
  code: RefusalCode;
  message: string;
}

export type Outcome = { ok: true; request: GovernanceRequest } | { ok: false; refusal: Refusal };

const refuse = (code: RefusalCode, message: string): Outcome => ({ ok: false, refusal: { code, message } });

export function isFinal(status: RequestStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/**
 * What an approver saw when deciding: it changes when a decision is recorded, not when bookkeeping
 * (receipt location, progress) bumps the storage version. A card with an older revision is stale.
 */
export function cardRevision(request: GovernanceRequest): number {
  return request.decisions.length;
}

/** The stage waiting for approvals (0-based), or undefined when every stage is satisfied. */
export function currentStage(request: GovernanceRequest): number | undefined {
  const approvals = request.decisions.filter((d) => d.verdict === 'approve');
  for (let i = 0; i < request.stages.length; i++) {
    const needed = request.stages[i]?.approvals ?? 1;
    if (approvals.filter((d) => d.stage === i).length < needed) return i;
  }
  return undefined;
}

export interface DecideInput {
  actor: Person;
  verdict: 'approve' | 'reject';
  comment?: string | undefined;
  /** Whether the actor belongs to the group of the stage being decided (checked by the caller from the directory). */
  actorIsStageApprover: boolean;
  at: string;
}

/**
 * Why this person may not decide the stage now waiting, or undefined when they may. Cards use it too, so a
 * reader who cannot act (e.g. the first stage's approver once the second stage waits) never sees live buttons.
 */
export function decisionRefusal(
  request: GovernanceRequest,
  actorId: string,
  actorIsStageApprover: boolean,
): Refusal | undefined {
  if (request.status !== 'pending') {
    return { code: 'ALREADY_DECIDED', message: `${request.id} is already ${request.status}; nothing was changed.` };
  }
  if (actorId === request.requester.id) {
    return {
      code: 'SELF_APPROVAL',
      message: `You asked for ${request.id} yourself, so someone else has to decide on it.`,
    };
  }
  const stage = currentStage(request);
  if (stage === undefined) {
    return { code: 'INVALID_TRANSITION', message: `${request.id} has every approval it needs.` };
  }
  const group = request.stages[stage]?.groupName ?? 'the approver group';
  if (!actorIsStageApprover) {
    return { code: 'NOT_AN_APPROVER', message: `Only members of ${group} can decide on ${request.id}.` };
  }
  // Separation of duties: one person fills at most one approval across all stages.
  if (request.decisions.some((d) => d.approver.id === actorId && d.verdict === 'approve')) {
    return {
      code: 'ALREADY_APPROVED_BY_YOU',
      message: `You already approved ${request.id}; it waits for another approver from ${group}.`,
    };
  }
  return undefined;
}

/**
 * An approver's decision. Authorisation comes from stored state (requester, decisions, stage) plus the
 * caller's directory check; nothing carried on a card is trusted.
 */
export function decide(request: GovernanceRequest, input: DecideInput): Outcome {
  const refusal = decisionRefusal(request, input.actor.id, input.actorIsStageApprover);
  if (refusal) return refuse(refusal.code, refusal.message);
  const stage = currentStage(request) as number;
  const decision: Decision = {
    approver: input.actor,
    verdict: input.verdict,
    comment: input.comment,
    at: input.at,
    stage,
  };
  const decisions = [...request.decisions, decision];
  let status: RequestStatus = 'pending';
  if (input.verdict === 'reject') status = 'rejected';
  else if (currentStage({ ...request, decisions }) === undefined) status = 'approved';
  return { ok: true, request: { ...request, decisions, status, updatedAt: input.at } };
}

/** Approval granted by a rule rather than a person. */
export function autoApprove(request: GovernanceRequest, at: string): Outcome {
  if (request.status !== 'pending') return refuse('NOT_PENDING', `${request.id} is ${request.status}.`);
  return { ok: true, request: { ...request, status: 'approved', updatedAt: at } };
}

export function autoDeny(request: GovernanceRequest, at: string): Outcome {
  if (request.status !== 'pending') return refuse('NOT_PENDING', `${request.id} is ${request.status}.`);
  return { ok: true, request: { ...request, status: 'rejected', updatedAt: at } };
}

export function cancel(request: GovernanceRequest, actorId: string, at: string): Outcome {
  if (actorId !== request.requester.id) return refuse('NOT_REQUESTER', `Only the requester can cancel ${request.id}.`);
  if (request.status !== 'pending')
    return refuse('NOT_PENDING', `${request.id} is ${request.status}; only pending requests can be cancelled.`);
  return { ok: true, request: { ...request, status: 'cancelled', updatedAt: at } };
}

export function expire(request: GovernanceRequest, at: string): Outcome {
  if (request.status !== 'pending') return refuse('NOT_PENDING', `${request.id} is ${request.status}.`);
  return { ok: true, request: { ...request, status: 'expired', updatedAt: at } };
}

export function startExecution(request: GovernanceRequest, at: string): Outcome {
  if (request.status === 'executing') return { ok: true, request }; // resumed after a restart
  if (request.status !== 'approved')
    return refuse('INVALID_TRANSITION', `${request.id} is ${request.status}, not approved.`);
  return {
    ok: true,
    request: {
      ...request,
      status: 'executing',
      updatedAt: at,
      execution: { ...request.execution, startedAt: request.execution.startedAt ?? at },
    },
  };
}

export function recordProgress(
  request: GovernanceRequest,
  step: string,
  state: 'pending' | 'running' | 'done' | 'failed',
  at: string,
  checkpoint: Record<string, unknown> = {},
): GovernanceRequest {
  const progress = request.execution.progress.filter((p) => p.step !== step);
  const index = request.execution.progress.findIndex((p) => p.step === step);
  const entry = { step, state, at };
  if (index >= 0) progress.splice(index, 0, entry);
  else progress.push(entry);
  return {
    ...request,
    updatedAt: at,
    execution: { ...request.execution, progress, checkpoint: { ...request.execution.checkpoint, ...checkpoint } },
  };
}

export function appendApiCalls(request: GovernanceRequest, calls: ApiCall[]): GovernanceRequest {
  if (calls.length === 0) return request;
  return { ...request, execution: { ...request.execution, apiCalls: [...request.execution.apiCalls, ...calls] } };
}

export function complete(request: GovernanceRequest, at: string, result: Record<string, unknown> = {}): Outcome {
  if (request.status !== 'executing') return refuse('INVALID_TRANSITION', `${request.id} is ${request.status}.`);
  return {
    ok: true,
    request: {
      ...request,
      status: 'completed',
      updatedAt: at,
      execution: { ...request.execution, finishedAt: at, result, error: undefined },
    },
  };
}

export function fail(request: GovernanceRequest, at: string, error: { code: string; message: string }): Outcome {
  if (request.status !== 'executing') return refuse('INVALID_TRANSITION', `${request.id} is ${request.status}.`);
  return {
    ok: true,
    request: {
      ...request,
      status: 'failed',
      updatedAt: at,
      execution: { ...request.execution, finishedAt: at, error },
    },
  };
}

export function revoke(request: GovernanceRequest, at: string): Outcome {
  if (request.status !== 'completed') return refuse('INVALID_TRANSITION', `${request.id} is ${request.status}.`);
  return { ok: true, request: { ...request, status: 'revoked', updatedAt: at } };
}

/**
 * The holder gave the access up before its end (a release request ended it): the grant is over, and its
 * scheduled end has nothing left to do.
 */
export function endEarly(request: GovernanceRequest, by: string, at: string): Outcome {
  if (request.status !== 'completed') return refuse('INVALID_TRANSITION', `${request.id} is ${request.status}.`);
  return { ok: true, request: { ...request, status: 'revoked', endedEarly: { by, at }, updatedAt: at } };
}

/** A plain-words next step for the requester's status views. */
export function nextStep(request: GovernanceRequest): string {
  switch (request.status) {
    case 'pending': {
      const stage = currentStage(request);
      const s = stage === undefined ? undefined : request.stages[stage];
      return s ? `Waiting for ${s.groupName ?? 'an approver'} (${s.name}).` : 'Waiting for an approver.';
    }
    case 'approved':
      return 'Approved; the change is about to run.';
    case 'executing':
      return 'The change is running now.';
    case 'completed':
      return request.grantEndsAt ? `Done. It ends on ${request.grantEndsAt.slice(0, 10)}.` : 'Done.';
    case 'failed':
      return 'The change failed; an admin has been told.';
    case 'rejected':
      return 'Rejected; nothing was changed.';
    case 'cancelled':
      return 'Cancelled by you; nothing was changed.';
    case 'expired':
      return 'Expired without a decision; ask again if you still need it.';
    case 'revoked':
      return request.endedEarly
        ? `Ended early on ${request.endedEarly.at.slice(0, 10)}: you gave this access up (${request.endedEarly.by}).`
        : 'The time-bound grant has ended and was reverted.';
    default: {
      // Exhaustive on purpose: a new status must be handled here or the build fails.
      const never: never = request.status;
      return never;
    }
  }
}
