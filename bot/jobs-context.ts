// The context a scheduled job runs in, the same for the scheduler and for `lixiao job run`.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../src/config.ts';
import type { Workflow } from '../src/workflow/schema.ts';
import type { JobContext } from '../handlers/jobs/types.ts';
import type { Deps } from '../handlers/index.ts';

export function jobContext(
  orm: MikroORM,
  wf: Workflow,
  config: Config,
  deps: Deps,
  now: Date,
): Omit<JobContext, 'slot'> {
  return {
    em: orm.em.fork(),
    wf,
    timeZone: config.timezone,
    now,
    deps,
    settings: { remindDays: config.remindDays, nearDays: config.nearDays },
  };
}
