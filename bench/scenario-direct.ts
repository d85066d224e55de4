// Scenario C: the same single taps calling decide() directly as a staff member (no HTTP), isolating the database's share.
import { decide } from '../src/decisions/decide.ts';
import { actorFor } from '../test/support/season.ts';
import type { BenchDb } from './bench-db.ts';
import type { ScenarioResult } from './result.ts';
import { finishTapRun, runTaps } from './taps.ts';
import type { Tap } from './workload.ts';

export async function directTaps(
  db: BenchDb,
  stepKey: string,
  actorWecomId: string,
  taps: readonly Tap[],
  opts: { concurrency: number; warmup: number },
): Promise<ScenarioResult> {
  const actor = await actorFor(db, actorWecomId);
  const who = actor.kind === 'person' ? actor.name : actorWecomId;
  console.log(
    `\n== C. single taps calling decide() directly: step ${stepKey} as ${who} (person), source card, concurrency ${opts.concurrency}`,
  );
  const run = await runTaps(taps, opts, opts.warmup, async (studentNo) => {
    const [row] = await decide(db.orm.em.fork(), db.wf, {
      actor,
      stepKey,
      decision: 'pass',
      source: 'card',
      items: [{ studentNo }],
    });
    if (!row) throw new Error(`decide() returned no row for ${studentNo}`);
    return row;
  });
  return finishTapRun(db, stepKey, 'C decide() single taps', 'calls', run, taps);
}
