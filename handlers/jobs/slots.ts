// Slots and due times of scheduled jobs: one slot a day (or a week), named by its local date, and when it falls due.
import { addDays, localDate, localParts, zonedInstant } from '../../src/time.ts';
import type { JobTime } from './types.ts';

/** The slot that `now` belongs to: today's date, or for weekly jobs the date of this week's run day. */
export function slotOf(at: JobTime, now: Date, timeZone: string): string {
  const today = localDate(now, timeZone);
  if (at.everyMinutes) {
    const { hour, minute } = localParts(now, timeZone);
    const m = Math.floor((hour * 60 + minute) / at.everyMinutes) * at.everyMinutes;
    return `${today}T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  }
  if (at.weekday === undefined) return today;
  const { weekday } = localParts(now, timeZone);
  return addDays(today, -((weekday - at.weekday + 7) % 7)); // this week's run day, on or before today
}

/** Whether the current slot's time has come (so an instance starting later may catch it up). */
export function slotDue(at: JobTime, now: Date, timeZone: string): boolean {
  if (at.everyMinutes) return true;
  return now >= slotWindow(at, slotOf(at, now, timeZone), timeZone).opens;
}

/** The slot before `slot` (yesterday's, or last week's run day). */
export function previousSlot(at: JobTime, slot: string): string {
  if (at.everyMinutes) {
    const [date, time] = slot.split('T') as [string, string];
    const minutes = Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5)) - at.everyMinutes;
    const day = minutes < 0 ? addDays(date, -1) : date;
    const m = (minutes + 1440) % 1440;
    return `${day}T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  }
  return addDays(slot, at.weekday === undefined ? -1 : -7);
}

/** When `slot` opens (its job's time on its date) and when it ends: when the next slot opens. */
export function slotWindow(at: JobTime, slot: string, timeZone: string): { opens: Date; ends: Date } {
  if (at.everyMinutes) {
    const [date, time] = slot.split('T') as [string, string];
    const opens = zonedInstant(date, Number(time.slice(0, 2)), Number(time.slice(3, 5)), timeZone);
    return { opens, ends: new Date(opens.getTime() + at.everyMinutes * 60_000) };
  }
  return {
    opens: zonedInstant(slot, at.hour, at.minute, timeZone),
    ends: zonedInstant(addDays(slot, at.weekday === undefined ? 1 : 7), at.hour, at.minute, timeZone),
  };
}

/** The instant the quiet hours that hold `now` end, or null when `now` is not in quiet hours. */
export function quietHoursEnd(window: string | undefined, now: Date, timeZone: string): Date | null {
  if (!inQuietHours(window, now, timeZone)) return null;
  const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(window!)!;
  const p = localParts(now, timeZone);
  const end = Number(m[3]) * 60 + Number(m[4]);
  const minutesLeft = (end - (p.hour * 60 + p.minute) + 1440) % 1440 || 1440;
  const startOfMinute = now.getTime() - (now.getTime() % 60_000);
  return new Date(startOfMinute + minutesLeft * 60_000);
}

/** Quiet hours like "22:00-07:30": no messages to people in between (the window may wrap midnight). */
export function inQuietHours(window: string | undefined, now: Date, timeZone: string): boolean {
  const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(window ?? '');
  if (!m) return false;
  const p = localParts(now, timeZone);
  const t = p.hour * 60 + p.minute;
  const from = Number(m[1]) * 60 + Number(m[2]);
  const to = Number(m[3]) * 60 + Number(m[4]);
  return from <= to ? t >= from && t < to : t >= from || t < to;
}

/** "09:05", "Mon 09:35" or (jobs that message nobody) "every 5m" -> a JobTime; minutes :00 and :30 are refused for jobs that message people. */
export function parseJobTime(text: string, sends: boolean): JobTime {
  const every = /^every\s+(\d{1,3})m$/.exec(text.trim());
  if (every && !sends && Number(every[1]) >= 1 && Number(every[1]) <= 60)
    return { hour: 0, minute: 0, everyMinutes: Number(every[1]) };
  const m = /^(?:(Sun|Mon|Tue|Wed|Thu|Fri|Sat)\s+)?(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a time like 09:05 or Mon 09:35`);
  const hour = Number(m[2]);
  const minute = Number(m[3]);
  if (hour > 23 || minute > 59) throw new Error(`"${text}" is not a time of day`);
  if (sends && (minute === 0 || minute === 30))
    throw new Error(`"${text}": keep mass sends off minutes :00 and :30 (both platforms advise it)`);
  return {
    hour,
    minute,
    ...(m[1] ? { weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(m[1]) } : {}),
  };
}
