// A closed loop of `concurrency` workers: each takes the next job as soon as its previous one is answered.
export interface LoopRun<R> {
  /** per job, its answer or the error it threw */
  results: (R | Error)[];
  /** per job, performance.now() when it was sent and when it was answered */
  startMs: number[];
  endMs: number[];
  wallMs: number;
}

export async function closedLoop<T, R>(
  jobs: readonly T[],
  concurrency: number,
  fn: (job: T, i: number) => Promise<R>,
): Promise<LoopRun<R>> {
  const results = new Array<R | Error>(jobs.length);
  const startMs = new Array<number>(jobs.length);
  const endMs = new Array<number>(jobs.length);
  let next = 0;
  const worker = async () => {
    // Jobs are taken in index order, so a job is never sent before an earlier one.
    while (next < jobs.length) {
      const i = next++;
      startMs[i] = performance.now();
      try {
        results[i] = await fn(jobs[i]!, i);
      } catch (e) {
        results[i] = e instanceof Error ? e : new Error(String(e));
      }
      endMs[i] = performance.now();
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  return { results, startMs, endMs, wallMs: performance.now() - t0 };
}

export function latencies(run: LoopRun<unknown>): number[] {
  return run.startMs.map((s, i) => run.endMs[i]! - s);
}

/**
 * An open loop: job i is sent at t0 + i / rate whatever the answers, and its latency counts from that
 * scheduled moment, so a slow server cannot hide its latency by slowing the sender (coordinated omission).
 */
export async function openLoop<T, R>(
  jobs: readonly T[],
  ratePerSec: number,
  fn: (job: T, i: number) => Promise<R>,
): Promise<LoopRun<R>> {
  const results = new Array<R | Error>(jobs.length);
  const startMs = new Array<number>(jobs.length);
  const endMs = new Array<number>(jobs.length);
  const t0 = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < jobs.length; i++) {
    const due = t0 + (i * 1000) / ratePerSec;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    startMs[i] = due;
    inFlight.push(
      fn(jobs[i]!, i).then(
        (r) => void ((results[i] = r), (endMs[i] = performance.now())),
        (e) => void ((results[i] = e instanceof Error ? e : new Error(String(e))), (endMs[i] = performance.now())),
      ),
    );
  }
  await Promise.all(inFlight);
  return { results, startMs, endMs, wallMs: performance.now() - t0 };
}
