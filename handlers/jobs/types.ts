// What a scheduled job is: a name, a cron schedule, how its slot is named, and its work.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workflow } from '../../src/workflow/schema.ts';

export interface JobContext {
  em: EntityManager;
  wf: Workflow;
  timeZone: string;
  now: Date;
}

export interface JobDef {
  name: string;
  description: string;
  /** node-cron expression, in the university's time zone */
  schedule: string;
  /** the slot a run at `now` belongs to; one run per slot across all instances */
  slot: (now: Date, timeZone: string) => string;
  run: (ctx: JobContext) => Promise<Record<string, unknown>>;
}
