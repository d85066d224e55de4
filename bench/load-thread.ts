// The load generator's own thread: sends prepared HTTP requests so the service's event loop does not share its core.
import { once } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { closedLoop, openLoop, type LoopRun } from './closed-loop.ts';
import { keepAliveAgent, postBytes } from './http-client.ts';
import type { LoadJob, RawAnswer, PreparedRequest } from './thread-load.ts';

const job = workerData as LoadJob;
const sockets = job.rate ? 64 : job.concurrency;
const agent = keepAliveAgent(sockets);
const sender =
  (requests: PreparedRequest[]) =>
  (i: number): Promise<RawAnswer> => {
    const r = requests[i]!;
    return postBytes(agent, new URL(r.url), r.headers, Buffer.from(r.body));
  };
const indexes = (requests: PreparedRequest[]) => requests.map((_, i) => i);
// Errors do not cross threads as themselves: their messages do.
const wire = (run: LoopRun<RawAnswer>) => ({
  ...run,
  results: run.results.map((r) => (r instanceof Error ? { error: r.message } : r)),
});

// The warm-up opens every connection the run may use and warms this thread's code, so neither is in the figures.
const warm = job.warmup?.length ? await closedLoop(indexes(job.warmup), sockets, sender(job.warmup)) : null;
parentPort!.postMessage({ kind: 'warm', run: warm && wire(warm) });
await once(parentPort!, 'message');
const send = sender(job.requests);
const run = job.rate
  ? await openLoop(indexes(job.requests), job.rate, send)
  : await closedLoop(indexes(job.requests), job.concurrency, send);
agent.destroy();
parentPort!.postMessage({ kind: 'run', run: wire(run) });
