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
}

/** Status and body text; parsing is left to the caller, after the clock has stopped. */
export interface LoadAnswer {
  status: number;
  text: string;
}

export function loadFromThread(job: LoadJob): Promise<LoopRun<LoadAnswer>> {
  return new Promise((resolve, reject) => {
    // A worker does not inherit the main thread's tsx loader (Node 20): it registers its own, then loads the TypeScript.
    const entry = new URL('./load-thread.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: job });
    worker.once('message', (run: LoopRun<LoadAnswer | { error: string }>) =>
      resolve({ ...run, results: run.results.map((r) => ('error' in r ? new Error(r.error) : r)) }),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`load thread exited with ${code}`))));
  });
}
