// Scenario D: signed, encrypted Feishu card taps (通过) through POST /feishu/webhook, answered inline with the updated card.
import { feishuEvent, feishuRequest } from '../test/support/feishu-sign.ts';
import type { BenchDb } from './bench-db.ts';
import { FEISHU_BENCH_KEY, startFeishuService } from './feishu-service.ts';
import type { ScenarioResult } from './result.ts';
import { finishTapRun, runHttpTaps, type Load } from './taps.ts';
import type { Tap } from './workload.ts';
import { NO_SUCH_ROW } from '../handlers/actions/tap.ts';

/** What the tapper was told, from the toast: the same words a staff member reads. */
function outcomeOf(answer: { toast?: { content?: string } } | undefined): string {
  const t = answer?.toast?.content ?? '';
  if (t === '已通过') return 'applied';
  if (t.startsWith('已由 ')) return 'already_decided';
  if (t === '正在处理，卡片稍后更新') return 'late'; // past the 2.3 s budget: the card is updated when the decision is made
  if (t === NO_SUCH_ROW) return 'unknown_student'; // the warm-up's taps on a row that does not exist
  throw new Error(`unexpected answer: ${JSON.stringify(answer).slice(0, 200)}`);
}

/** Taps answered late are still being decided after their answer: wait until the step's passes stop changing. */
async function settled(db: BenchDb, stepKey: string): Promise<void> {
  let last = -1;
  for (let i = 0; i < 60; i++) {
    const [row] = await db.sql<{ n: number }>(
      `select count(*)::int as n from clearance where step_key = $1 and status = 'passed'`,
      [stepKey],
    );
    if (row!.n === last) return;
    last = row!.n;
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function feishuTaps(
  db: BenchDb,
  stepKey: string,
  tapper: string,
  taps: readonly Tap[],
  opts: Load & { warmup: number; label: string },
): Promise<ScenarioResult> {
  const load = opts.rate ? `open model, ${opts.rate} taps/s` : `closed loop, concurrency ${opts.concurrency}`;
  console.log(
    `\n== ${opts.label}: card.action.trigger via POST /feishu/webhook (encrypted, signed), step ${stepKey}, ${load}`,
  );
  await db.sql(`update person set feishu_open_id = 'ou_' || wecom_userid where wecom_userid = $1`, [tapper]);
  const service = await startFeishuService(db);
  const url = service.webhook;
  // The staff member's 待办 cards as delivered, 20 rows a page: each tap comes from the card that shows its row, as a
  // real tap does, and its answer is that card again from the rows the tap's context read.
  await db.sql(
    `insert into delivered_card (platform, message_id, person_id, kind, page, clearance_ids)
     select 'feishu', 'om_bench_' || $1 || '_' || c.page, p.id, 'pending', c.page, array_agg(c.id order by c.id)
       from (select (row_number() over (order by id) - 1) / 20 + 1 as page, id from clearance where step_key = $1) c
       cross join person p
      where p.wecom_userid = $2
      group by c.page, p.id`,
    [stepKey, tapper],
  );
  // Each student's 通过 value as its card shows it; bodies are encrypted and signed before the clock starts.
  const refs = new Map(
    (
      await db.sql<{ student_no: string; id: number; version: number; page: number }>(
        `select s.student_no, c.id, c.version, (row_number() over (order by c.id) - 1) / 20 + 1 as page from clearance c join student s on s.id = c.student_id where c.step_key = $1`,
        [stepKey],
      )
    ).map((r) => [r.student_no, r]),
  );
  const request = (studentNo: string) => {
    const ref = refs.get(studentNo);
    // a warm-up tap names a row that does not exist: the whole path runs, nothing is written
    const value = ref ? { a: 'pass', c: ref.id, v: ref.version } : { a: 'pass', c: 0, v: 1 };
    const card = `om_bench_${stepKey}_${ref?.page ?? 1}`;
    const r = feishuRequest(
      feishuEvent('card.action.trigger', {
        operator: { open_id: `ou_${tapper}` },
        token: 'c-bench',
        action: { tag: 'button', value },
        context: { open_message_id: card },
      }),
      FEISHU_BENCH_KEY,
    );
    return { url: url.href, headers: r.headers, body: r.body };
  };
  try {
    const run = await runHttpTaps(taps, opts, opts.warmup, request, (res) => {
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.text.slice(0, 200)}`);
      return { outcome: outcomeOf(JSON.parse(res.text) as Parameters<typeof outcomeOf>[0]) };
    });
    if (run.tally.outcomes.get('late')) await settled(db, stepKey);
    return finishTapRun(db, stepKey, opts.label, 'taps', run, taps);
  } finally {
    await service.close();
  }
}
