// `lixiao workflow sync [--dry-run|--yes]`: creates the rows a changed workflow's new steps lack, saying first what.
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { syncWorkflow } from '../../../src/workflow/sync.ts';
import { stepOf } from '../../../src/workflow/load.ts';
import { UsageError, type CliContext } from '../context.ts';

export async function workflowCommand(ctx: CliContext, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'sync') throw new UsageError('workflow sync [--dry-run|--yes]');
  const { values } = parseArgs({ args: rest, options: { 'dry-run': { type: 'boolean' }, yes: { type: 'boolean' } } });
  if (values['dry-run'] && values.yes) throw new UsageError('workflow sync takes --dry-run or --yes, not both');
  const plan = await syncWorkflow(await ctx.em(), ctx.wf, {
    apply: values.yes === true,
    actorLabel: `cli:${userInfo().username}`,
  });
  const name = (key: string) => stepOf(ctx.wf, key)?.name ?? key;
  if (!plan.steps.length && !plan.heldBack.length) {
    ctx.out('workflow sync: every student of an open season has a row for every step; nothing to create');
    return;
  }
  const verb = plan.applied ? 'created' : 'to create';
  for (const s of plan.steps)
    ctx.out(`${s.stepKey} (${name(s.stepKey)}): ${s.pending} pending, ${s.notApplicable} not applicable ${verb}`);
  for (const h of plan.heldBack)
    ctx.out(
      `held back ${h.studentNo} ${h.stepKey}: ${name(h.passedStep)} has passed, so the student is not re-opened (revoke ${h.passedStep} first to require it)`,
    );
  ctx.out(
    plan.applied
      ? `workflow sync: done; ${plan.heldBack.length} students held back`
      : 'dry run: nothing changed; run `lixiao workflow sync --yes` to create these rows',
  );
}
