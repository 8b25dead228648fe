// A rule may cap how long a grant lasts (maxDuration). A longer ask is shortened to the cap; a grant type
// asked for without an end gets one at the cap, so the exception ends by itself.
import type { GovernanceRequest } from '../requests/model.js';
import { durationMs } from './duration.js';

const TIME_BOUND_TYPES = new Set<GovernanceRequest['type']>(['maker-role', 'connector-unblock']);

export function capGrantEnd(
  request: GovernanceRequest,
  maxDuration: string | undefined,
  now: string,
): string | undefined {
  if (!TIME_BOUND_TYPES.has(request.type)) return request.grantEndsAt;
  const ms = maxDuration ? durationMs(maxDuration) : undefined;
  if (ms === undefined) return request.grantEndsAt;
  const latest = new Date(Date.parse(now) + ms).toISOString();
  if (!request.grantEndsAt || request.grantEndsAt > latest) return latest;
  return request.grantEndsAt;
}
