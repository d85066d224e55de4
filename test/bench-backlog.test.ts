// The busiest morning's quota figure is taken over one unbroken stretch of backlogged seconds.
import { describe, expect, it } from 'vitest';
import { longestBacklog } from '../bench/morning-report.ts';

const at = (pattern: string, gapAt = -1) =>
  [...pattern].map((c, i) => ({ at: i * 1000 + (i > gapAt && gapAt >= 0 ? 5000 : 0), backlog: c === 'x' }));

describe('longestBacklog', () => {
  it('is the longest run of backlogged seconds, ending where the last of them ends', () => {
    expect(longestBacklog(at('.xx..xxxx.x'))).toEqual({ from: 5000, to: 9000 });
  });
  it('a missing sample breaks a run', () => {
    // every second backlogged, but the sampler missed 5 s after the third: two runs, of 3 s and 4 s
    expect(longestBacklog(at('xxxxxxx', 2))).toEqual({ from: 8000, to: 12000 });
  });
  it('runs to the end of the samples, and is null without any backlog', () => {
    expect(longestBacklog(at('..xxx'))).toEqual({ from: 2000, to: 5000 });
    expect(longestBacklog(at('....'))).toBeNull();
  });
});
