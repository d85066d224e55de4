// What a scheduled job is: a name, when it runs in the university's zone, whether it messages people, and its work.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workflow } from '../../src/workflow/schema.ts';
import type { Deps } from '../types.ts';

export interface JobContext {
  em: EntityManager;
  wf: Workflow;
  timeZone: string;
  now: Date;
  /** the slot being run (a date, or the Monday of a week), part of every notice's dedupe key */
  slot: string;
  deps: Deps;
  settings: JobSettings;
  /** messages are queued to go out at this instant instead of at once (a run asked for inside quiet hours) */
  sendAt?: Date;
}

export interface JobSettings {
  /** days before the deadline on which students are reminded (and every day after it) */
  remindDays: number[];
  /** a deadline this close counts as "near" in digests */
  nearDays: number;
}

export interface JobTime {
  hour: number;
  minute: number;
  /** weekly jobs: 0 = Sunday … 6 = Saturday */
  weekday?: number;
  /** jobs that run every few minutes (hour and minute are then unused): one slot per interval */
  everyMinutes?: number;
}

export interface JobDef {
  name: string;
  description: string;
  /** the default time; LIXIAO_SCHEDULE may move it */
  at: JobTime;
  /** sends messages to people: kept out of quiet hours, and off minutes :00 and :30 (platform advice for mass sends) */
  sends: boolean;
  run: (ctx: JobContext) => Promise<Record<string, unknown>>;
}
