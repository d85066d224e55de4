// POST /feishu/approval/callback: 同意 / 拒绝 tapped in Feishu's approval center, decided through the decision path.
// Request fields: https://open.feishu.cn/document/server-docs/approval-v4/external_approval/quick-approval-callback
import { LixiaoError } from '../../../src/errors.ts';
import type Router from '@koa/router';
import type { MikroORM } from '@mikro-orm/postgresql';
import { isSafeNumber, parse as losslessParse } from 'lossless-json';
import { z } from 'zod';
import type { Logger } from '../../../src/log.ts';
import type { Workflow } from '../../../src/workflow/schema.ts';
import { decide } from '../../../src/decisions/decide.ts';
import { taskForAction, type TaskForAction } from '../../../src/approval/task-lookup.ts';
import { localDateTime } from '../../../src/time.ts';
import { readRawBody } from '../../http/read-json.ts';
import type { RequestState } from '../../http/request-context.ts';
import { feishuDecrypt, signatureMatches } from '../crypto.ts';
import { CALLBACK_PATH } from './payload.ts';

export interface ApprovalCallbackDeps {
  orm: MikroORM;
  wf: Workflow;
  log: Logger;
  timeZone: string;
  token: string;
  key?: string;
  /** answer by then at the latest (Feishu waits 10 s by the current doc, 5 s by the older one) */
  budgetMs?: number;
}

/** A refusal with the message Feishu shows the approver (it reads `message` from a non-200 answer). */
class Refused extends LixiaoError {
  readonly code = 'approval_action_refused';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const action = z.object({
  action_type: z.enum(['APPROVE', 'REJECT']),
  action_context: z.string().optional(),
  user_id: z.string().optional(),
  approval_code: z.string().optional(),
  instance_id: z.string().optional(),
  task_id: z.string().optional(),
  // int64 at Feishu: parsed without rounding, kept as its digits
  message_id: z.union([z.string(), z.number()]).optional(),
  reason: z.string().optional(),
  token: z.string(),
});
export type ApprovalAction = z.infer<typeof action>;

/** JSON with numbers beyond 2^53 kept as their digits (JSON.parse would round a 19-digit message_id). */
export function parseLossless(text: string): unknown {
  return losslessParse(text, null, (digits) => (isSafeNumber(digits) ? Number(digits) : digits));
}

function object(text: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = parseLossless(text);
  } catch {
    throw new Refused(400, `${what} is not JSON`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Refused(400, `${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

/** Decrypts (when a key is set), checks the token in constant time, and validates the fields. */
export function readAction(raw: Buffer, token: string, key?: string): ApprovalAction {
  let body = object(raw.toString('utf8'), 'body');
  if (key) {
    if (typeof body.encrypt !== 'string') throw new Refused(401, 'body not encrypted');
    let plain: string;
    try {
      plain = feishuDecrypt(key, body.encrypt);
    } catch {
      throw new Refused(401, 'cannot decrypt with FEISHU_APPROVAL_KEY');
    }
    body = object(plain, 'decrypted body');
  } else if (typeof body.encrypt === 'string') {
    throw new Refused(400, 'encrypted body but FEISHU_APPROVAL_KEY is not set');
  }
  if (typeof body.token !== 'string' || !signatureMatches(token, body.token)) throw new Refused(401, 'token mismatch');
  const parsed = action.safeParse(body);
  if (!parsed.success) throw new Refused(400, `bad callback: ${parsed.error.issues[0]?.path.join('.')}`);
  return parsed.data;
}

function taskIdOf(a: ApprovalAction): string | null {
  if (a.action_context) {
    try {
      const ctx = JSON.parse(a.action_context) as { task?: unknown };
      if (typeof ctx.task === 'string') return ctx.task;
    } catch {
      // not ours: fall back to task_id
    }
  }
  return a.task_id ?? null;
}

const VERB: Record<string, string> = {
  passed: '通过',
  returned: '退回',
  pending: '撤销',
  not_applicable: '标记无需办理',
};

/** The same approver's same decision arriving again (a retry, a double tap) is answered as done. */
function sameDecision(t: TaskForAction, a: ApprovalAction): boolean {
  const wanted = a.action_type === 'APPROVE' ? 'passed' : 'returned';
  return t.decidedById === t.personId && t.clearanceStatus === wanted;
}

function decidedAlready(t: TaskForAction, timeZone: string): Refused {
  const at = t.decidedAt ? localDateTime(new Date(t.decidedAt), timeZone) : '';
  const verb = VERB[t.clearanceStatus ?? ''] ?? '处理';
  return new Refused(
    409,
    t.decidedBy ? `已由 ${t.decidedBy} 于 ${at} ${verb}，无需再处理` : '此任务已结束，无需再处理',
  );
}

async function act(d: ApprovalCallbackDeps, a: ApprovalAction): Promise<void> {
  const taskId = taskIdOf(a);
  if (!taskId) throw new Refused(400, 'no task named');
  const em = d.orm.em.fork();
  const task = await taskForAction(em, taskId);
  if (!task) throw new Refused(404, '审批任务不存在或已删除');
  if (a.user_id && task.feishuUserId && a.user_id !== task.feishuUserId) throw new Refused(403, '这不是您的审批任务');
  if (task.status !== 'PENDING') {
    if (sameDecision(task, a)) return;
    throw decidedAlready(task, d.timeZone);
  }
  const reason = a.reason?.trim();
  if (a.action_type === 'REJECT' && !reason) throw new Refused(422, '拒绝需要填写原因');
  const [row] = await decide(em, d.wf, {
    actor: { kind: 'person', personId: task.personId, name: task.personName },
    stepKey: task.stepKey,
    decision: a.action_type === 'APPROVE' ? 'pass' : 'return',
    source: 'card',
    items: [{ studentNo: task.studentNo, reason: reason || undefined }],
    via: { platform: 'feishu', platformUserId: a.user_id, eventId: `approval:${taskId}` },
  });
  if (!row || row.outcome === 'applied') return;
  if (row.outcome === 'already_decided') {
    const now = (await taskForAction(em, taskId))!;
    if (sameDecision(now, a)) return;
    throw decidedAlready(now, d.timeZone);
  }
  throw new Refused(row.outcome === 'denied' ? 403 : row.outcome === 'invalid' ? 422 : 409, row.error ?? row.outcome);
}

export function approvalCallbackRoute(router: Router<RequestState>, d: ApprovalCallbackDeps): void {
  router.post(CALLBACK_PATH, async (ctx) => {
    const raw = await readRawBody(ctx);
    const log = ctx.state.log.child({ feishu: 'approval-callback' });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Refused(503, '系统繁忙，请稍后再试')), d.budgetMs ?? 4000);
    });
    try {
      const a = readAction(raw, d.token, d.key);
      await Promise.race([act(d, a), late]);
      ctx.body = { code: 0, msg: 'success' };
    } catch (e) {
      if (!(e instanceof Refused)) {
        log.error({ err: e }, 'approval callback failed');
        ctx.status = 500;
        ctx.body = { message: '系统繁忙，请稍后再试' };
        return;
      }
      if (e.status === 401 || e.status === 400) log.warn({ why: e.message }, 'feishu approval callback refused');
      ctx.status = e.status;
      ctx.body = { message: e.message, without_prefix: true };
    } finally {
      clearTimeout(timer);
    }
  });
}
