// The tap workload: distinct students in a seeded random order, with duplicate taps for already-sent students mixed in.
import { studentNo } from '../test/support/season.ts';

export interface Tap {
  studentNo: string;
  /** a repeat of a student sent earlier in the sequence */
  duplicate: boolean;
}

/** A small seeded PRNG (mulberry32), so every run taps the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(xs: T[], rand: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

export function tapSequence(opts: { students: number; distinct: number; duplicateRatio: number; seed: number }): Tap[] {
  if (opts.distinct > opts.students)
    throw new Error(`cannot tap ${opts.distinct} distinct students out of ${opts.students}`);
  const rand = seededRandom(opts.seed);
  const fresh = shuffle(
    Array.from({ length: opts.students }, (_, i) => studentNo(i)),
    rand,
  ).slice(0, opts.distinct);
  return withDuplicates(fresh, opts.duplicateRatio, rand);
}

/** The same mix over given students, in their order: for scenarios that need students the main sequence left alone. */
export function tapSequenceOf(students: readonly string[], duplicateRatio: number, seed: number): Tap[] {
  return withDuplicates(students, duplicateRatio, seededRandom(seed));
}

function withDuplicates(fresh: readonly string[], duplicateRatio: number, rand: () => number): Tap[] {
  let dupsLeft = Math.round(fresh.length * duplicateRatio);
  const taps: Tap[] = [];
  const sent: string[] = [];
  let k = 0;
  // Each slot is a duplicate with probability (duplicates left / slots left): exact counts, evenly mixed.
  while (k < fresh.length || dupsLeft > 0) {
    if (sent.length && rand() < dupsLeft / (fresh.length - k + dupsLeft)) {
      taps.push({ studentNo: sent[Math.floor(rand() * sent.length)]!, duplicate: true });
      dupsLeft--;
    } else {
      const s = fresh[k++]!;
      sent.push(s);
      taps.push({ studentNo: s, duplicate: false });
    }
  }
  return taps;
}

/** Duplicates sent while an earlier tap for the same student was still unanswered: those raced it. */
export function racedDuplicates(taps: readonly Tap[], startMs: readonly number[], endMs: readonly number[]): number {
  const answeredBy = new Map<string, number>(); // the latest answer time among earlier taps of a student
  let raced = 0;
  taps.forEach((t, i) => {
    const prev = answeredBy.get(t.studentNo);
    if (t.duplicate && prev !== undefined && prev > startMs[i]!) raced++;
    answeredBy.set(t.studentNo, Math.max(prev ?? 0, endMs[i]!));
  });
  return raced;
}
