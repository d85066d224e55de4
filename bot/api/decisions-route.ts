// POST /api/v1/decisions: other campus systems (一卡通, library, finance) decide their step; per-row results, idempotent.
import type Router from '@koa/router';
import type { MikroORM, EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../../src/config.ts';
import type { Workflow } from '../../src/workflow/schema.ts';
import { stepOf } from '../../src/workflow/load.ts';
import { decide } from '../../src/decisions/decide.ts';
import { readCommitted } from '../../src/db/retry.ts';
import type { RowResult } from '../../src/decisions/types.ts';
import { readJson } from '../http/read-json.ts';
import { fail } from '../http/fail.ts';
import type { RequestState } from '../http/request-context.ts';
import { stepForToken } from './bearer.ts';

const body = z.object({
  /** optional: a caller may name the step it means, and is refused if its token is for another */
  step: z.string().optional(),
  decisions: z
    .array(
      z.object({
        student_no: z.string().min(1).max(32),
        decision: z.enum(['pass', 'return']),
        reason: z.string().max(500).optional(),
        /** a pass that means to undo a return (退回); without it a returned row's outcome is conflict */
        over_return: z.boolean().optional(),
      }),
    )
    .min(1)
    .max(5000),
});

const rowJson = (r: RowResult) => ({
  student_no: r.studentNo,
  outcome: r.outcome,
  status: r.status ?? null,
  decided_by: r.decidedBy ?? null,
  decided_at: r.decidedAt ?? null,
  ...(r.openSteps ? { open_steps: r.openSteps } : {}),
  ...(r.outcome === 'conflict' ? { reason: r.reason ?? null } : {}),
  ...(r.error ? { error: r.error } : {}),
});

export function decisionsRoute(
  router: Router<RequestState>,
  deps: { orm: MikroORM; wf: Workflow; config: Config },
): void {
  router.post('/api/v1/decisions', async (ctx) => {
    if (deps.config.apiTokens.size === 0) fail(404, 'the integration API is off (LIXIAO_API_TOKENS is not set)');
    const stepKey = stepForToken(ctx.get('authorization'), deps.config.apiTokens);
    if (!stepKey) {
      ctx.set('WWW-Authenticate', 'Bearer');
      fail(401, 'missing or unknown bearer token');
    }
    const step = stepOf(deps.wf, stepKey);
    if (!step) fail(500, `LIXIAO_API_TOKENS names step "${stepKey}", which the workflow does not have`);
    const parsed = body.safeParse(await readJson(ctx));
    if (!parsed.success)
      fail(400, parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    if (parsed.data.step && parsed.data.step !== step.key)
      fail(403, `this token decides ${step.key}, not ${parsed.data.step}`);
    const key = ctx.get('idempotency-key');
    if (key.length > 255) fail(400, 'Idempotency-Key is longer than 255 characters');
    const hash = createHash('sha256').update(JSON.stringify(parsed.data)).digest('hex');

    const answer = async (em: EntityManager) => {
      const results = new Array<RowResult>(parsed.data.decisions.length);
      for (const kind of ['pass', 'return'] as const) {
        const idx = parsed.data.decisions.flatMap((d, i) => (d.decision === kind ? [i] : []));
        if (!idx.length) continue;
        const rows = await decide(em, deps.wf, {
          actor: { kind: 'api', stepKey: step.key, label: `${step.office}（系统对接）` },
          stepKey: step.key,
          decision: kind,
          source: 'api',
          items: idx.map((i) => ({
            studentNo: parsed.data.decisions[i]!.student_no,
            reason: parsed.data.decisions[i]!.reason,
            overReturn: parsed.data.decisions[i]!.over_return === true,
          })),
          via: { platform: 'api', ip: ctx.ip, requestId: ctx.state.requestId },
        });
        rows.forEach((r, j) => (results[idx[j]!] = r));
      }
      const rows = results.map(rowJson);
      return { step: step.key, applied: rows.filter((r) => r.outcome === 'applied').length, results: rows };
    };

    const em = deps.orm.em.fork();
    if (!key) {
      ctx.body = await answer(em);
      return;
    }
    // The key's row is inserted first: a concurrent replay waits on it, then reads the stored answer (READ COMMITTED:
    // at a stricter level the waiting insert would fail instead of finding the key taken; retried on 40001 / 40P01).
    const out = await readCommitted(em, async (t) => {
      const claimed = await t.execute<{ step_key: string }[]>(
        'insert into api_request (step_key, idempotency_key, request_hash) values (?, ?, ?) on conflict do nothing returning step_key',
        [step.key, key, hash],
      );
      if (!claimed.length) {
        const [prev] = await t.execute<{ request_hash: string; response: unknown }[]>(
          'select request_hash, response from api_request where step_key = ? and idempotency_key = ?',
          [step.key, key],
        );
        return { replay: true as const, same: prev?.request_hash === hash, response: prev?.response };
      }
      const response = await answer(t);
      await t.execute('update api_request set response = ?::jsonb where step_key = ? and idempotency_key = ?', [
        JSON.stringify(response),
        step.key,
        key,
      ]);
      return { replay: false as const, same: true, response };
    });
    if (!out.same) fail(422, 'this Idempotency-Key was used with a different body');
    if (out.replay) ctx.set('Idempotent-Replayed', 'true');
    ctx.body = out.response;
  });
}
