// "到 2026-08-31": the last local day of a delegation, as the instant it ends (the start of the next local day).
import { addDays, localDate, zonedInstant } from '../time.ts';
import { DelegationError } from './delegations.ts';

/** A delegation is for a holiday, not a career: further than this is taken for a typo (2062 for 2026). */
const MAX_DAYS = 366;

/**
 * `text`: YYYY-MM-DD (or YYYY/M/D, YYYY年M月D日), the last day covered, through its end in `timeZone`. A day before
 * today is refused (ends_in_past), as is one more than a year ahead (too_far) or a date that does not exist.
 */
export function parseUntil(text: string, timeZone: string, now: Date): { date: string; endsAt: Date } {
  const m = /^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?$/.exec(text.trim());
  const date = m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : '';
  // only a real date reads back as itself: 2026-02-30 comes back as 2026-03-02, 2026-13-01 not at all
  const real = m && !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) && addDays(date, 0) === date;
  if (!real) throw new DelegationError('bad_date', `“${text}”不是日期：请写成 2026-08-31 (a date is YYYY-MM-DD)`);
  const today = localDate(now, timeZone);
  if (date < today) throw new DelegationError('ends_in_past', `${date} 已经过去 (the end date has passed)`);
  if (date > addDays(today, MAX_DAYS)) throw new DelegationError('too_far', `${date} 超过一年 (at most a year ahead)`);
  return { date, endsAt: zonedInstant(addDays(date, 1), 0, 0, timeZone) };
}
