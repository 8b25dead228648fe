// Retention: de-duplication rows, done jobs and conversation references nothing needs any more are pruned, so
// storage does not grow with every message. A durable job does it, so one replica of the fleet runs each round (jobs are claimed
// with a lease) and a round missed while the bot was down runs when it is back. Each round's dedupe key names its
// slot: replicas starting together schedule the same round once, and a round schedules the next before it prunes.
import type { JobHandler } from '../execution/job-runner.js';
import { REPLACED_PREFIX } from '../requests/card-copies.js';
import type { Store, StoreSession } from '../requests/ports/store.js';

export const HOUSEKEEPING_JOB = 'storage.prune';
export const HOUSEKEEPING_INTERVAL_MS = 6 * 3_600_000;

/**
 * kv rows that only tell "seen before": a redelivered message's id (src/teams/bot.ts), a draft confirmed twice
 * (src/intake/draft.ts), a Management Activity notification sent again (src/monitor/activity-feed.ts), a release
 * offer (valid 30 minutes) and its "confirmed as" marker (src/requests/release-service.ts: once both are gone, a
 * replayed confirm gets the neutral not-found answer). Markers of effects that must happen once per request
 * (reminded, reposted...) are not among them.
 */
export const DEDUP_KEY_PREFIXES = [
  'activity:',
  'draft-filed:',
  'activity-feed:content:',
  'release-offer:',
  'release-offer-filed:',
  REPLACED_PREFIX,
];

export interface RetentionSettings {
  dedupRetentionMs: number;
  conversationRetentionMs: number;
}

const DAY = 86_400_000;

export function retentionSettings(config: {
  DEDUP_RETENTION_DAYS: number;
  CONVERSATION_RETENTION_DAYS: number;
}): RetentionSettings {
  return {
    dedupRetentionMs: config.DEDUP_RETENTION_DAYS * DAY,
    conversationRetentionMs: config.CONVERSATION_RETENTION_DAYS * DAY,
  };
}

/** The first slot boundary strictly after `afterMs`. */
function nextSlot(afterMs: number): string {
  return new Date((Math.floor(afterMs / HOUSEKEEPING_INTERVAL_MS) + 1) * HOUSEKEEPING_INTERVAL_MS).toISOString();
}

/** Schedules the round of the next slot after `after` (a no-op when it is already scheduled). */
export async function scheduleHousekeeping(session: StoreSession, after: Date): Promise<void> {
  const runAt = nextSlot(after.getTime());
  await session.jobs.enqueue({ kind: HOUSEKEEPING_JOB, payload: {}, runAt, dedupeKey: `housekeeping:${runAt}` });
}

export interface PruneResult {
  dedupRows: number;
  conversations: number;
  /** Done jobs (run or cancelled): kept as long as de-duplication rows, for "why did this run?" questions. */
  finishedJobs: number;
}

/** One round: what is older than its retention at `now` goes. */
export async function pruneExpired(store: Store, settings: RetentionSettings, now: Date): Promise<PruneResult> {
  const dedupBefore = new Date(now.getTime() - settings.dedupRetentionMs).toISOString();
  const unusedBefore = new Date(now.getTime() - settings.conversationRetentionMs).toISOString();
  return {
    dedupRows: await store.kv.pruneWrittenBefore(DEDUP_KEY_PREFIXES, dedupBefore),
    conversations: await store.conversations.pruneUnused(unusedBefore),
    finishedJobs: await store.jobs.pruneFinished(dedupBefore),
  };
}

export function housekeepingJobHandler(
  store: Store,
  settings: RetentionSettings,
  clock: () => Date,
  onPruned?: (result: PruneResult) => void,
): JobHandler {
  return async (job) => {
    // The next round first: a round that fails (and is retried, or dies) never ends the rounds.
    await scheduleHousekeeping(store, new Date(Math.max(Date.parse(job.runAt), clock().getTime())));
    onPruned?.(await pruneExpired(store, settings, clock()));
  };
}
