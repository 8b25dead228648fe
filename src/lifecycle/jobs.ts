// Job kinds and dedupe keys of the lifecycle. A dedupe key names exactly one reminder, escalation, expiry
// or revert, so a second enqueue (a retried transaction, a restart) never schedules it twice.
import type { Config } from '../config/config.js';

export const LIFECYCLE_JOBS = {
  remind: 'request.remind',
  escalate: 'request.escalate',
  expire: 'request.expire',
  grantReminder: 'grant.remind',
  revert: 'grant.revert',
} as const;

/**
 * Stage 0 keeps the keys it had before later stages got their own timers (jobs already stored still match);
 * a later stage's keys carry its number, so its reminder round 1 is not mistaken for stage 0's.
 */
const stagePart = (stage: number) => (stage > 0 ? `stage${stage}:` : '');

export const lifecycleKeys = {
  /** Every job of a pending request: cancelled together once it is decided. The trailing colon keeps REQ-1 apart from REQ-10. */
  pendingPrefix: (requestId: string) => `pending:${requestId}:`,
  remind: (requestId: string, round: number, stage = 0) => `pending:${requestId}:${stagePart(stage)}remind:${round}`,
  escalate: (requestId: string, stage = 0) => `pending:${requestId}:${stagePart(stage)}escalate`,
  /** The reminder and escalation jobs of one stage (not the expiry, which counts from filing). */
  stagePrefixes: (requestId: string, stage: number) =>
    stage > 0
      ? [`pending:${requestId}:stage${stage}:`]
      : [`pending:${requestId}:remind:`, `pending:${requestId}:escalate`],
  expire: (requestId: string) => `pending:${requestId}:expire`,
  /** Every job of one time-bound grant (its reminders and its revert). */
  grantPrefix: (requestId: string) => `grant:${requestId}:`,
  grantReminder: (requestId: string, endsAt: string, hoursBefore: number) =>
    `grant:${requestId}:remind:${endsAt}:${hoursBefore}h`,
  revert: (requestId: string, endsAt: string) => `grant:${requestId}:revert:${endsAt}`,
};

export interface LifecycleSettings {
  remindAfterMs: number;
  escalateAfterMs: number;
  expireAfterMs: number;
  grantReminderHours: number[];
  revertMaxAttempts: number;
}

const HOUR = 3_600_000;

export function lifecycleSettings(config: Config): LifecycleSettings {
  return {
    remindAfterMs: config.REMINDER_AFTER_HOURS * HOUR,
    escalateAfterMs: config.ESCALATE_AFTER_HOURS * HOUR,
    expireAfterMs: config.EXPIRE_AFTER_DAYS * 24 * HOUR,
    grantReminderHours: [...config.GRANT_REMINDER_HOURS_BEFORE].sort((a, b) => b - a),
    revertMaxAttempts: config.REVERT_MAX_ATTEMPTS,
  };
}

/** Outbox idempotency keys of lifecycle messages: each is sent once, whatever retries or restarts happen. */
export const lifecycleOutboxKeys = {
  reminder: (requestId: string, round: number, stage = 0) => `reminder:${requestId}:${stagePart(stage)}${round}`,
  escalation: (requestId: string, stage = 0) => `escalation:${requestId}${stage > 0 ? `:stage${stage}` : ''}`,
  question: (requestId: string, n: number) => `question:${requestId}:${n}`,
  answer: (requestId: string, n: number) => `answer:${requestId}:${n}`,
  grantReminder: (requestId: string, endsAt: string, hoursBefore: number) =>
    `grant-reminder:${requestId}:${endsAt}:${hoursBefore}`,
  revertFailed: (requestId: string, endsAt: string) => `revert-failed:${requestId}:${endsAt}`,
};

/** kv markers: an effect already ran (once, even after a crash between the effect and the job's completion). */
export const lifecycleMarkers = {
  reminded: (requestId: string, round: number, stage = 0) =>
    `lifecycle:reminded:${requestId}:${stagePart(stage)}${round}`,
};
