// The registry: every job (and, as they come, chat command and card action) on one screen.
import { cleanupJob } from './jobs/cleanup.ts';
import type { JobDef } from './jobs/types.ts';

export const jobs: JobDef[] = [cleanupJob];

export function jobNamed(name: string): JobDef | undefined {
  return jobs.find((j) => j.name === name);
}
