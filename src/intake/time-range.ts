// "last week", "yesterday", "past 3 days", "since Monday": the time range of a question about the past (the
// audit trail). Calendar words are whole UTC days and weeks (weeks start on Monday); "past N days" counts back
// from now. Returns the matched text too, so the parser can cut it out before reading names.

export interface TimeRange {
  since: string;
  /** Absent: up to now. */
  until?: string | undefined;
  /** For people: "last week", "the past 3 days". */
  label: string;
  text: string;
}

const DAY_MS = 86_400_000;
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: DAY_MS, week: 7 * DAY_MS };
const SMALL: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7 };

const startOfDay = (t: number) => t - (t % DAY_MS);
/** Monday 00:00 UTC of the week holding t. */
const startOfWeek = (t: number) => startOfDay(t) - ((new Date(t).getUTCDay() + 6) % 7) * DAY_MS;
const iso = (t: number) => new Date(t).toISOString();

const PAST =
  /\b(?:in )?(?:the )?(?:last|past|previous) (?:(\d+|a|an|one|two|three|four|five|six|seven) ?)?(minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\b/i;
const CALENDAR = /(?<!\bthe )\b(today|yesterday|(?:this|last|previous) (?:week|month))\b/i;
const SINCE =
  /\bsince (yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday|\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?)\b/i;
const ON_DATE = /\b(?:on )?(\d{4}-\d{2}-\d{2})\b/;

export function parseTimeRange(text: string, now: Date): TimeRange | undefined {
  const t = now.getTime();
  const cal = CALENDAR.exec(text);
  const past = cal ? null : PAST.exec(text);
  if (past?.[2]) {
    const amount = past[1]?.toLowerCase();
    const n = amount === undefined ? 1 : /^\d+$/.test(amount) ? Number(amount) : (SMALL[amount] ?? 1);
    const unit = past[2].toLowerCase().replace(/s$/, '').replace(/^min$/, 'minute').replace(/^hr$/, 'hour');
    const ms = unit === 'month' ? n * 30 * DAY_MS : n * (UNIT_MS[unit] ?? DAY_MS);
    if (n > 0) return { since: iso(t - ms), label: `the past ${n} ${unit}${n === 1 ? '' : 's'}`, text: past[0] };
  }
  if (cal?.[1]) {
    const what = cal[1].toLowerCase().replace(/ /, ' ').replace('previous', 'last');
    const today = startOfDay(t);
    const d = new Date(t);
    const ranges: Record<string, [number, number | undefined]> = {
      today: [today, undefined],
      yesterday: [today - DAY_MS, today],
      'this week': [startOfWeek(t), undefined],
      'last week': [startOfWeek(t) - 7 * DAY_MS, startOfWeek(t)],
      'this month': [Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), undefined],
      'last month': [
        Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1),
        Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
      ],
    };
    const range = ranges[what];
    if (range)
      return {
        since: iso(range[0]),
        until: range[1] === undefined ? undefined : iso(range[1]),
        label: what,
        text: cal[0],
      };
  }
  const since = SINCE.exec(text);
  if (since?.[1]) {
    const what = since[1].toLowerCase();
    let from: number;
    const day = WEEKDAYS.indexOf(what);
    if (what === 'yesterday') from = startOfDay(t) - DAY_MS;
    else if (day >= 0) from = startOfDay(t) - ((new Date(t).getUTCDay() - day + 7) % 7) * DAY_MS;
    else from = Date.parse(since[1].length === 10 ? `${since[1]}T00:00:00Z` : since[1]);
    if (!Number.isNaN(from) && from <= t) return { since: iso(from), label: `since ${since[1]}`, text: since[0] };
  }
  const on = ON_DATE.exec(text);
  if (on?.[1]) {
    const from = Date.parse(`${on[1]}T00:00:00Z`);
    if (!Number.isNaN(from)) return { since: iso(from), until: iso(from + DAY_MS), label: on[1], text: on[0] };
  }
  return undefined;
}
