// Dates as the university sees them: in its time zone (Asia/Shanghai by default), not the server's.

/** Formatters are costly to build (a card of 20 rows formats 20 times), so each kind is built once per zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: 'date' | 'datetime' | 'parts', timeZone: string): Intl.DateTimeFormat {
  const key = `${kind}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f =
      kind === 'date'
        ? new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
        : kind === 'datetime'
          ? new Intl.DateTimeFormat('en-CA', {
              timeZone,
              year: 'numeric',
              month: '2-digit',
              day: '2-digit',
              hour: '2-digit',
              minute: '2-digit',
              hourCycle: 'h23',
            })
          : new Intl.DateTimeFormat('en-US', {
              timeZone,
              year: 'numeric',
              month: 'numeric',
              day: 'numeric',
              hour: 'numeric',
              minute: 'numeric',
              weekday: 'short',
              hourCycle: 'h23',
            });
    formatters.set(key, f);
  }
  return f;
}

export function localDate(at: Date, timeZone: string): string {
  return formatter('date', timeZone).format(at);
}

// formatToParts is the costliest call on a card tap; a card's rows mostly show the same few minutes.
const minutes = new Map<string, string>();

export function localDateTime(at: Date, timeZone: string): string {
  const key = `${timeZone}|${Math.floor(at.getTime() / 60_000)}`;
  let text = minutes.get(key);
  if (text === undefined) {
    const parts = formatter('datetime', timeZone).formatToParts(at);
    const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
    text = `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
    if (minutes.size >= 4096) minutes.clear();
    minutes.set(key, text);
  }
  return text;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

export function localParts(at: Date, timeZone: string): LocalParts {
  const parts = formatter('parts', timeZone).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday')),
  };
}

/** The calendar date `days` after a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The instant at which it is `hour`:`minute` on the local calendar date `date` (YYYY-MM-DD) in `timeZone`. */
export function zonedInstant(date: string, hour: number, minute: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wanted = Date.UTC(y, m - 1, d, hour, minute);
  let guess = wanted;
  // the zone's offset at the guess, read back from its local parts; twice, for a guess on the far side of a DST change
  for (let i = 0; i < 2; i++) {
    const p = localParts(new Date(guess), timeZone);
    guess += wanted - Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  }
  return new Date(guess);
}
