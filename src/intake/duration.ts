// "for 2 weeks", "until Friday", "till 2025-07-01": when a time-bound grant should end. Returns the matched
// text too, so the parser can cut it out before reading names and the justification.

const NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  couple: 2,
  'a couple of': 2,
  'couple of': 2,
  few: 3,
  'a few': 3,
};
const UNIT_DAYS: Record<string, number> = {
  hour: 1 / 24,
  hr: 1 / 24,
  day: 1,
  week: 7,
  wk: 7,
  month: 30,
  mo: 30,
  year: 365,
};
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_MS = 86_400_000;

export interface Duration {
  endsAt: Date;
  text: string;
}

const FOR =
  /\b(?:for|during|over) (?:the next |the )?(\d+|a couple of|couple of|a few|few|an?|one|two|three|four|five|six|seven|eight|nine|ten) ?(hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?)\b/i;
const UNTIL =
  /\b(?:until|till|til|through|thru|up to|up until|to|by) (?:the )?(?:(next|this) )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|end of (?:the )?(?:week|month|year|quarter)|eow|eom|eoy|\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{1,2}(?:st|nd|rd|th)?)\b/i;

function endOfDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 23, 59, 59));
}

export function parseDuration(text: string, now: Date, options: { byEnds?: boolean } = {}): Duration | undefined {
  const f = FOR.exec(text);
  if (f?.[1] && f[2]) {
    const n = /^\d+$/.test(f[1]) ? Number(f[1]) : (NUMBERS[f[1].toLowerCase()] ?? 1);
    const unit = f[2].toLowerCase().replace(/s$/, '');
    const days = n * (UNIT_DAYS[unit] ?? 1);
    if (n > 0 && days <= 3 * 365) return { endsAt: new Date(now.getTime() + days * DAY_MS), text: f[0] };
  }
  const u = UNTIL.exec(text);
  if (u?.[2]) {
    const at = untilDate(u[2].toLowerCase(), u[1]?.toLowerCase(), now);
    // "to" and "by" are everyday words: only a real date after them counts.
    const deadline = options.byEnds === false && /^by\b/i.test(u[0]);
    if (at && at.getTime() > now.getTime() && !deadline) return { endsAt: endOfDay(at), text: u[0] };
  }
  return undefined;
}

function untilDate(what: string, modifier: string | undefined, now: Date): Date | undefined {
  const day = WEEKDAYS.indexOf(what);
  if (day >= 0) {
    // "Friday" on a Friday means next week's; "next Friday" reads the same way (the common use).
    void modifier;
    const ahead = (day - now.getUTCDay() + 7) % 7 || 7;
    return new Date(now.getTime() + ahead * DAY_MS);
  }
  if (what === 'tomorrow') return new Date(now.getTime() + DAY_MS);
  if (/end of (the )?week|eow/.test(what))
    return new Date(now.getTime() + ((5 - now.getUTCDay() + 7) % 7 || 7) * DAY_MS);
  if (/end of (the )?month|eom/.test(what)) return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0));
  if (/end of (the )?year|eoy/.test(what)) return new Date(Date.UTC(now.getUTCFullYear(), 11, 31));
  if (/end of (the )?quarter/.test(what)) {
    const q = Math.floor(now.getUTCMonth() / 3);
    return new Date(Date.UTC(now.getUTCFullYear(), q * 3 + 3, 0));
  }
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(what);
  if (iso) {
    const d = new Date(Date.UTC(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3])));
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  const dm = /^(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]{3})/.exec(what) ?? /^([a-z]{3})[a-z]* (\d{1,2})/.exec(what);
  if (dm?.[1] && dm[2]) {
    const [dayText, monthText] = /^\d/.test(dm[1]) ? [dm[1], dm[2]] : [dm[2], dm[1]];
    const month = MONTHS.indexOf(monthText.slice(0, 3));
    if (month < 0) return undefined;
    let d = new Date(Date.UTC(now.getUTCFullYear(), month, Number(dayText)));
    if (d.getTime() < now.getTime()) d = new Date(Date.UTC(now.getUTCFullYear() + 1, month, Number(dayText)));
    return d;
  }
  return undefined;
}

/** A length of time on its own ("2 weeks", "another month"), as an ISO-8601 duration the lifecycle accepts. */
export interface Span {
  /** "P14D" or "PT12H": months count as 30 days, as in the grant durations above. */
  iso: string;
  /** For people: "2 weeks", "1 month". */
  label: string;
  text: string;
}

const AMOUNT = '(\\d+|a couple of|couple of|a few|few|an?|one|two|three|four|five|six|seven|eight|nine|ten)';
const SPAN = new RegExp(
  `\\b(?:(another|a further|an? extra|an? additional|one more) )?(?:${AMOUNT} )?(?:more |extra |additional |further )?(hours?|hrs?|days?|weeks?|wks?|months?|mos?)\\b`,
  'i',
);

/** "for 2 weeks", "another month", "3 more days", "a week": how long, counted from whenever it applies. */
export function parseSpan(text: string): Span | undefined {
  const m = SPAN.exec(text);
  if (!m?.[3] || (!m[1] && !m[2])) return undefined;
  const amount = m[2]?.toLowerCase();
  const n = amount === undefined ? 1 : /^\d+$/.test(amount) ? Number(amount) : (NUMBERS[amount] ?? 1);
  const unit = m[3].toLowerCase().replace(/s$/, '');
  const days = n * (UNIT_DAYS[unit] ?? 1);
  if (n <= 0 || days > 3 * 365) return undefined;
  const word = unit === 'hr' ? 'hour' : unit === 'wk' ? 'week' : unit === 'mo' ? 'month' : unit;
  const iso = days < 1 ? `PT${Math.round(days * 24)}H` : `P${Math.round(days)}D`;
  return { iso, label: `${n} ${word}${n === 1 ? '' : 's'}`, text: m[0] };
}
