// Puts the lifecycle's durable jobs in storage, always inside the caller's transaction: a request is never
// stored without its reminders, nor decided while its reminders stay live.
import type { GovernanceRequest } from '../requests/model.js';
import type { StoreSession } from '../storage/store.js';
import { LIFECYCLE_JOBS, type LifecycleSettings, lifecycleKeys } from './jobs.js';

const at = (base: string, ms: number) => new Date(Date.parse(base) + ms).toISOString();

/** The hooks GovernanceService calls in its transactions. */
export interface LifecycleHooks {
  /** A request now waits for people: first reminder, escalation and expiry. */
  onFiled(session: StoreSession, request: GovernanceRequest): Promise<void>;
  /** The request left `pending` (decided, cancelled, expired): its waiting jobs go. */
  onLeftPending(session: StoreSession, request: GovernanceRequest): Promise<void>;
  /** Approved (by people or a rule): a time-bound grant gets its reminders and revert; an extension supersedes the grant it extends. */
  onApproved(session: StoreSession, request: GovernanceRequest): Promise<void>;
}

export class LifecycleScheduler implements LifecycleHooks {
  constructor(private readonly settings: LifecycleSettings) {}

  async onFiled(session: StoreSession, request: GovernanceRequest): Promise<void> {
    const s = this.settings;
    const payload = { requestId: request.id };
    await session.jobs.enqueue({
      kind: LIFECYCLE_JOBS.remind,
      payload: { ...payload, round: 1 },
      runAt: at(request.createdAt, s.remindAfterMs),
      dedupeKey: lifecycleKeys.remind(request.id, 1),
    });
    await session.jobs.enqueue({
      kind: LIFECYCLE_JOBS.escalate,
      payload,
      runAt: at(request.createdAt, s.remindAfterMs + s.escalateAfterMs),
      dedupeKey: lifecycleKeys.escalate(request.id),
    });
    await session.jobs.enqueue({
      kind: LIFECYCLE_JOBS.expire,
      payload,
      runAt: at(request.createdAt, s.expireAfterMs),
      dedupeKey: lifecycleKeys.expire(request.id),
    });
  }

  /** The next reminder after `round`, skipping intervals missed while the bot was down (one per interval, no burst). */
  async scheduleNextReminder(
    session: StoreSession,
    request: GovernanceRequest,
    round: number,
    now: Date,
  ): Promise<void> {
    const s = this.settings;
    const elapsed = now.getTime() - Date.parse(request.createdAt);
    const next = Math.max(round + 1, Math.floor(elapsed / s.remindAfterMs) + 1);
    const runAt = at(request.createdAt, next * s.remindAfterMs);
    if (Date.parse(runAt) >= Date.parse(at(request.createdAt, s.expireAfterMs))) return; // expiry comes first
    await session.jobs.enqueue({
      kind: LIFECYCLE_JOBS.remind,
      payload: { requestId: request.id, round: next },
      runAt,
      dedupeKey: lifecycleKeys.remind(request.id, next),
    });
  }

  async onLeftPending(session: StoreSession, request: GovernanceRequest): Promise<void> {
    await session.jobs.cancelByPrefix(lifecycleKeys.pendingPrefix(request.id));
  }

  async onApproved(session: StoreSession, request: GovernanceRequest): Promise<void> {
    await this.onLeftPending(session, request);
    if (request.extensionOf) await session.jobs.cancelByPrefix(lifecycleKeys.grantPrefix(request.extensionOf));
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
