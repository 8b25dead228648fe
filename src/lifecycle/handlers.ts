// Job handlers of the lifecycle, registered in the JobRunner by the composition root. Each reads the stored
// request and does nothing when the job no longer applies (decided, extended, reverted), so a late or
// repeated job is harmless.

import type { JobHandler } from '../execution/job-runner.js';
import { PermanentJobError } from '../execution/job-runner.js';
import { type LifecycleService, RevertGaveUp } from '../requests/lifecycle-service.js';
import { LIFECYCLE_JOBS } from './jobs.js';

const text = (v: unknown) => (typeof v === 'string' ? v : '');
const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function lifecycleJobHandlers(lifecycle: LifecycleService): Record<string, JobHandler> {
  return {
    // Jobs stored before later stages had their own timers carry no stage: they belong to the first.
    [LIFECYCLE_JOBS.remind]: (job) =>
      lifecycle.remind(text(job.payload.requestId), count(job.payload.round), count(job.payload.stage)),
    [LIFECYCLE_JOBS.escalate]: (job) => lifecycle.escalate(text(job.payload.requestId), count(job.payload.stage)),
    [LIFECYCLE_JOBS.expire]: async (job) => {
      await lifecycle.expire(text(job.payload.requestId));
    },
    [LIFECYCLE_JOBS.grantReminder]: (job) =>
      lifecycle.grantReminder(text(job.payload.requestId), text(job.payload.endsAt), count(job.payload.hoursBefore)),
    [LIFECYCLE_JOBS.revert]: async (job) => {
      try {
        await lifecycle.revertGrant(
          text(job.payload.requestId),
          text(job.payload.endsAt),
          job.attempts,
          job.maxAttempts,
        );
      } catch (error) {
        // Admins have been told and the failure audited: stop retrying.
        if (error instanceof RevertGaveUp) throw new PermanentJobError(error.message);
        throw error;
      }
    },
  };
}
