// `lixiao feishu approval-setup` and `lixiao feishu approval-push --season S`: the Feishu approval center.
import { parseArgs } from 'node:util';
import { enqueuePushes, studentsToPush } from '../../../src/approval/jobs.ts';
import { storedApprovalCode } from '../../../src/approval/definition.ts';
import { createFeishuApi } from '../../feishu/api.ts';
import { approvalApi } from '../../feishu/approval/api.ts';
import { CALLBACK_PATH } from '../../feishu/approval/payload.ts';
import { APPROVAL_SCOPES, setupDefinition } from '../../feishu/approval/setup.ts';
import { CliError, UsageError, type CliContext } from '../context.ts';

function approvalConfig(ctx: CliContext) {
  const feishu = ctx.config.feishu;
  if (!feishu?.approval)
    throw new CliError(
      'the approval center is off: set FEISHU_APP_ID, FEISHU_APP_SECRET, FEISHU_APPROVAL=on and FEISHU_APPROVAL_TOKEN (and optionally FEISHU_APPROVAL_KEY)',
    );
  return { feishu, approval: feishu.approval };
}

async function setup(ctx: CliContext): Promise<void> {
  const { feishu, approval } = approvalConfig(ctx);
  const api = approvalApi(createFeishuApi(feishu, ctx.log));
  const r = await setupDefinition(await ctx.em(), api, {
    customCode: approval.customCode,
    publicUrl: ctx.config.publicUrl,
    token: approval.token,
    key: approval.key,
  });
  ctx.out(
    r.created
      ? `approval definition created: approval_code ${r.approvalCode} (stored; Feishu's code, not ${approval.customCode})`
      : `approval definition updated: approval_code ${r.approvalCode} kept${r.answered ? ` (Feishu answered ${r.answered})` : ''}`,
  );
  ctx.out(`quick-approval callback: ${ctx.config.publicUrl}${CALLBACK_PATH}`);
  ctx.out('the app needs these permissions (权限管理), then a published version:');
  for (const [scope, why] of APPROVAL_SCOPES) ctx.out(`  ${scope}  ${why}`);
}

async function push(ctx: CliContext, argv: string[]): Promise<void> {
  const { approval } = approvalConfig(ctx);
  const { values } = parseArgs({ args: argv, options: { season: { type: 'string' } } });
  if (!values.season) throw new UsageError('feishu approval-push needs --season LABEL');
  const em = await ctx.em();
  if (!(await storedApprovalCode(em, approval.customCode)))
    throw new CliError('no approval_code stored: run `lixiao feishu approval-setup` first');
  const [season] = await em.execute<{ purged_at: Date | null }[]>('select purged_at from season where label = ?', [
    values.season,
  ]);
  if (!season) throw new CliError(`no season "${values.season}"`);
  if (season.purged_at) throw new CliError(`season ${values.season} is purged`);
  const queued = await enqueuePushes(em, await studentsToPush(em, values.season), 0);
  ctx.out(`${queued} students of season ${values.season} queued for a full push (the service's worker sends them)`);
}

export async function feishuCommand(ctx: CliContext, argv: string[]): Promise<void> {
  const [verb, ...rest] = argv;
  if (verb === 'approval-setup') return setup(ctx);
  if (verb === 'approval-push') return push(ctx, rest);
  throw new UsageError('feishu approval-setup | feishu approval-push --season LABEL');
}
