// Runs prepared HTTP requests from a worker thread (bench/load-thread.ts), open or closed loop, and gives back the run.
import { Worker } from 'node:worker_threads';
import type { LoopRun } from './closed-loop.ts';

export interface PreparedRequest {
  url: string;
  headers: Record<string, string>;
  /** the exact bytes (a signed body must arrive unchanged) */
  body: Uint8Array;
}

export interface LoadJob {
  requests: PreparedRequest[];
  concurrency: number;
  rate?: number;
  /** unmeasured requests sent first, on every connection the run will use, from the same thread */
  warmup?: PreparedRequest[];
}

/** Status and body text; parsing is left to the caller, after the clock has stopped. */
export interface LoadAnswer {
  status: number;
  text: string;
}

/** What the load thread keeps of an answer: its bytes, decoded on this side once the run is over. */
export interface RawAnswer {
  status: number;
  body: Uint8Array;
}

export interface LoadRuns {
  warmup: LoopRun<LoadAnswer> | null;
  run: LoopRun<LoadAnswer>;
}

type Wire = LoopRun<RawAnswer | { error: string }>;
const fromWire = (run: Wire): LoopRun<LoadAnswer> => ({
  ...run,
  results: run.results.map((r): LoadAnswer | Error => {
    if (r instanceof Error) return r;
    if ('error' in r) return new Error(r.error);
    return {
      status: r.status,
      text: Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength).toString('utf8'),
    };
  }),
});

/** `measuring` is called between the warm-up and the measured run (to start the CPU clock, say). */
export function loadFromThread(job: LoadJob, measuring: () => void = () => {}): Promise<LoadRuns> {
  return new Promise((resolve, reject) => {
    // A worker does not inherit the main thread's tsx loader (Node 20): it registers its own, then loads the TypeScript.
    const entry = new URL('./load-thread.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: job });
    let warmup: LoopRun<LoadAnswer> | null = null;
    worker.on('message', (m: { kind: 'warm'; run: Wire | null } | { kind: 'run'; run: Wire }) => {
      if (m.kind === 'warm') {
        warmup = m.run && fromWire(m.run);
        measuring();
        worker.postMessage('go');
      } else resolve({ warmup, run: fromWire(m.run) });
    });
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`load thread exited with ${code}`))));
  });
}
