// The load generator's own thread: sends prepared HTTP requests so the service's event loop does not share its core.
import { parentPort, workerData } from 'node:worker_threads';
import { closedLoop, openLoop } from './closed-loop.ts';
import { keepAliveAgent, postText } from './http-client.ts';
import type { LoadJob, LoadAnswer } from './thread-load.ts';

const job = workerData as LoadJob;
const agent = keepAliveAgent(job.rate ? 64 : job.concurrency);
const send = (i: number): Promise<LoadAnswer> => {
  const r = job.requests[i]!;
  return postText(agent, new URL(r.url), r.headers, Buffer.from(r.body));
};
const indexes = job.requests.map((_, i) => i);
const run = job.rate ? await openLoop(indexes, job.rate, send) : await closedLoop(indexes, job.concurrency, send);
agent.destroy();
// Errors do not cross threads as themselves: their messages do.
parentPort!.postMessage({ ...run, results: run.results.map((r) => (r instanceof Error ? { error: r.message } : r)) });
