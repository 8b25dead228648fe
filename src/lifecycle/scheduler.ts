// Puts the lifecycle's durable jobs in storage, always inside the caller's transaction: a request is never
// stored without its reminders, nor decided while its reminders stay live.
import type { GovernanceRequest } from '../requests/model.js';
import type { StoreSession } from '../requests/ports/store.js';
import { currentStage } from '../requests/state-machine.js';
import { LIFECYCLE_JOBS, type LifecycleSettings, lifecycleKeys } from './jobs.js';

const at = (base: string, ms: number) => new Date(Date.parse(base) + ms).toISOString();

/**
 * When a stage started waiting for its approvers: filing for the first stage, and for a later one the
 * approval that passed the stage before it (reminders and escalation count from there).
 */
export function stageStartedAt(request: GovernanceRequest, stage: number): string {
  if (stage <= 0) return request.createdAt;
  const passing = request.decisions
    .filter((d) => d.verdict === 'approve' && d.stage === stage - 1)
    .map((d) => d.at)
    .sort();
  return passing.at(-1) ?? request.createdAt;
}

/** The hooks GovernanceService calls in its transactions. */
export interface LifecycleHooks {
  /** A request now waits for people: first reminder, escalation and expiry. */
  onFiled(session: StoreSession, request: GovernanceRequest): Promise<void>;
  /** A stage passed and the next one waits: its reminders and escalation start now (the expiry stays). */
  onStagePassed(session: StoreSession, request: GovernanceRequest): Promise<void>;
  /** The request left `pending` (decided, cancelled, expired): its waiting jobs go. */
  onLeftPending(session: StoreSession, request: GovernanceRequest): Promise<void>;
  /** Approved (by people or a rule): a time-bound grant gets its reminders and revert; an extension supersedes the grant it extends. */
  onApproved(session: StoreSession, request: GovernanceRequest): Promise<void>;
}

export class LifecycleScheduler implements LifecycleHooks {
  constructor(private readonly settings: LifecycleSettings) {}

  async onFiled(session: StoreSession, request: GovernanceRequest): Promise<void> {
    await this.scheduleStage(session, request, 0);
    await session.jobs.enqueue({
      kind: LIFECYCLE_JOBS.expire,
      payload: { requestId: request.id },
      runAt: at(request.createdAt, this.settings.expireAfterMs),
      dedupeKey: lifecycleKeys.expire(request.id),
    });
  }

  async onStagePassed(session: StoreSession, request: GovernanceRequest): Promise<void> {
    const stage = currentStage(request);
    if (request.status !== 'pending' || stage === undefined) return;
    const [first, ...rest] = Array.from({ length: stage }, (_, earlier) =>
      lifecycleKeys.stagePrefixes(request.id, earlier),
    ).flat();
    if (first !== undefined) await session.jobs.cancelByPrefix(first, ...rest);
    await this.scheduleStage(session, request, stage);
  }

  /** The first reminder and the escalation of a stage, counted from the moment it started waiting. */
  private async scheduleStage(session: StoreSession, request: GovernanceRequest, stage: number): Promise<void> {
    const s = this.settings;
    const start = stageStartedAt(request, stage);
    const payload = { requestId: request.id, stage };
    if (Date.parse(at(start, s.remindAfterMs)) < this.expiresAt(request)) {
      await session.jobs.enqueue({
        kind: LIFECYCLE_JOBS.remind,
        payload: { ...payload, round: 1 },
        runAt: at(start, s.remindAfterMs),
        dedupeKey: lifecycleKeys.remind(request.id, 1, stage),
      });
    }
    await session.jobs.enqueue({
      kind: LIFECYCLE_JOBS.escalate,
      payload,
      runAt: at(start, s.remindAfterMs + s.escalateAfterMs),
      dedupeKey: lifecycleKeys.escalate(request.id, stage),
    });
  }

  private expiresAt(request: GovernanceRequest): number {
    return Date.parse(request.createdAt) + this.settings.expireAfterMs;
  }

  /** The next reminder of `stage` after `round`, skipping intervals missed while the bot was down (one per interval, no burst). */
  async scheduleNextReminder(
    session: StoreSession,
    request: GovernanceRequest,
    round: number,
    now: Date,
    stage = 0,
  ): Promise<void> {
    const s = this.settings;
    const start = stageStartedAt(request, stage);
    const elapsed = now.getTime() - Date.parse(start);
    const next = Math.max(round + 1, Math.floor(elapsed / s.remindAfterMs) + 1);
    const runAt = at(start, next * s.remindAfterMs);
    if (Date.parse(runAt) >= this.expiresAt(request)) return; // expiry comes first
    await session.jobs.enqueue({
      kind: LIFECYCLE_JOBS.remind,
      payload: { requestId: request.id, round: next, stage },
      runAt,
      dedupeKey: lifecycleKeys.remind(request.id, next, stage),
    });
  }

  async onLeftPending(session: StoreSession, request: GovernanceRequest): Promise<void> {
    await session.jobs.cancelByPrefix(lifecycleKeys.pendingPrefix(request.id));
  }

  async onApproved(session: StoreSession, request: GovernanceRequest): Promise<void> {
    // Its waiting jobs, and an extended grant's reminders and revert (superseded), in one statement.
    const pending = lifecycleKeys.pendingPrefix(request.id);
    if (request.extensionOf) await session.jobs.cancelByPrefix(pending, lifecycleKeys.grantPrefix(request.extensionOf));
    else await session.jobs.cancelByPrefix(pending);
    if (request.grantEndsAt) await this.scheduleGrant(session, request, request.grantEndsAt);
  }

  async scheduleGrant(session: StoreSession, request: GovernanceRequest, endsAt: string): Promise<void> {
    const s = this.settings;
    for (const hours of s.grantReminderHours) {
      const runAt = at(endsAt, -hours * 3_600_000);
      if (Date.parse(runAt) <= Date.parse(request.updatedAt)) continue; // a short grant skips reminders already past
      await session.jobs.enqueue({
        kind: LIFECYCLE_JOBS.grantReminder,
        payload: { requestId: request.id, endsAt, hoursBefore: hours },
        runAt,
        dedupeKey: lifecycleKeys.grantReminder(request.id, endsAt, hours),
      });
    }
    await session.jobs.enqueue({
      kind: LIFECYCLE_JOBS.revert,
      payload: { requestId: request.id, endsAt },
      runAt: endsAt,
      dedupeKey: lifecycleKeys.revert(request.id, endsAt),
      maxAttempts: s.revertMaxAttempts,
    });
  }
}
