import { describe, expect, it } from 'vitest';
import { localDateTime } from '../src/time.ts';

describe('localDateTime', () => {
  it('shows the university’s wall clock, per zone, to the minute', () => {
    const at = new Date('2026-06-30T16:59:59Z');
    expect(localDateTime(at, 'Asia/Shanghai')).toBe('2026-07-01 00:59');
    expect(localDateTime(at, 'UTC')).toBe('2026-06-30 16:59');
    // remembered per zone and minute: the same minute in another zone is not confused with the first
    expect(localDateTime(new Date('2026-06-30T16:59:00Z'), 'Asia/Shanghai')).toBe('2026-07-01 00:59');
    expect(localDateTime(new Date('2026-06-30T16:59:00Z'), 'Asia/Urumqi')).toBe('2026-06-30 22:59');
    expect(localDateTime(new Date('2026-06-30T17:00:00Z'), 'Asia/Shanghai')).toBe('2026-07-01 01:00');
  });

  it('follows a daylight-saving change at the minute it happens', () => {
    // Europe/Berlin moves from UTC+1 to UTC+2 at 01:00 UTC on 2026-03-29
    expect(localDateTime(new Date('2026-03-29T00:59:00Z'), 'Europe/Berlin')).toBe('2026-03-29 01:59');
    expect(localDateTime(new Date('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe('2026-03-29 03:00');
  });

  it('keeps working past its memory of 4,096 minutes', () => {
    const start = Date.UTC(2026, 5, 1, 0, 0);
    for (let i = 0; i < 5000; i++) localDateTime(new Date(start + i * 60_000), 'Asia/Shanghai');
    expect(localDateTime(new Date(start + 4999 * 60_000), 'Asia/Shanghai')).toBe('2026-06-04 19:19');
    expect(localDateTime(new Date(start), 'Asia/Shanghai')).toBe('2026-06-01 08:00');
  });
});
