// ISO 8601 durations as the policy file writes them (P14D, P2W, PT12H, P1DT6H). Months and years are
// refused on purpose: their length depends on the calendar, and a grant cap must be exact.
const ISO_DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/;

const HOUR = 3_600_000;

/** Milliseconds in the duration, or undefined when it is not one we accept. */
export function durationMs(text: string): number | undefined {
  const m = ISO_DURATION.exec(text.trim().toUpperCase());
  if (!m || text.trim().toUpperCase() === 'P' || text.trim().toUpperCase().endsWith('T')) return undefined;
  const [, weeks, days, hours, minutes] = m;
  const ms =
    (Number(weeks ?? 0) * 7 * 24 + Number(days ?? 0) * 24 + Number(hours ?? 0)) * HOUR + Number(minutes ?? 0) * 60_000;
  return ms > 0 ? ms : undefined;
}

/** "14 days", "2 weeks", "36 hours": for messages to people. */
export function describeDuration(text: string): string {
  const ms = durationMs(text);
  if (ms === undefined) return text;
  const hours = ms / HOUR;
  if (hours % (24 * 7) === 0) return plural(hours / (24 * 7), 'week');
  if (hours % 24 === 0) return plural(hours / 24, 'day');
  if (Number.isInteger(hours)) return plural(hours, 'hour');
  return plural(Math.round(ms / 60_000), 'minute');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
