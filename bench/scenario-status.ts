// Scenario G: students ask 进度 in Feishu chat (signed, encrypted im.message.receive_v1); each question queues its status card once.
import type { BenchDb } from './bench-db.ts';
import { feishuEvent, feishuRequest } from '../test/support/feishu-sign.ts';
import { FEISHU_BENCH_KEY, startFeishuService } from './feishu-service.ts';
import type { ScenarioResult } from './result.ts';
import { fmt, formatLatency } from './stats.ts';
import { checked, formatCpu, printTapRun, requestsResult, runHttpTaps, type Load } from './taps.ts';
import { count } from './tally.ts';
import type { Check } from './verify.ts';
import type { Tap } from './workload.ts';

let runs = 0;

/**
 * Each distinct student asks once; a repeat is Feishu delivering the same message again (same message_id), which
 * must be answered 200 and acted on never. Afterwards: one queued send per distinct question, none for a repeat.
 */
export async function statusQuestions(
  db: BenchDb,
  taps: readonly Tap[],
  opts: Load & { label: string },
): Promise<ScenarioResult> {
  const load = opts.rate ? `open model, ${opts.rate} questions/s` : `closed loop, concurrency ${opts.concurrency}`;
  console.log(`\n== ${opts.label}: 进度 via POST /feishu/webhook (encrypted, signed im.message.receive_v1), ${load}`);
  await db.sql(`update person set feishu_open_id = 'ou_' || wecom_userid where wecom_userid like 'stu%'`);
  const prefix = `om_q${++runs}_`; // each run asks its own questions
  const service = await startFeishuService(db);
  const [people] = await db.sql<{ map: Record<string, string> }>(
    `select json_object_agg(s.student_no, p.wecom_userid) as map from student s join person p on p.id = s.person_id`,
  );
  const messageOf = (studentNo: string) => `${prefix}${studentNo}`; // a repeat carries the same message_id
  let next = 0;
  const requests = taps.map((t) => {
    const event = feishuEvent('im.message.receive_v1', {
      sender: { sender_id: { open_id: `ou_${people!.map[t.studentNo]}` }, sender_type: 'user' },
      message: {
        message_id: messageOf(t.studentNo),
        chat_type: 'p2p',
        message_type: 'text',
        content: JSON.stringify({ text: '进度' }),
      },
    });
    const r = feishuRequest(event, FEISHU_BENCH_KEY);
    return { url: service.webhook.href, headers: r.headers, body: r.body };
  });
  try {
    const run = await runHttpTaps(
      taps,
      opts,
      0,
      () => requests[next++]!,
      (res) => {
        if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.text.slice(0, 200)}`);
        return { outcome: 'answered' };
      },
    );
    printTapRun(run, taps);
    console.log(`  latency: ${formatLatency(run.latency)}`);
    console.log(`  throughput: ${fmt(run.perSec)} questions/s (${taps.length} in ${fmt(run.wallMs, 0)} ms)`);
    if (run.cpu) console.log(`  cpu per request: ${formatCpu(run.cpu, taps.length)}`);
    const distinct = new Set(taps.map((t) => t.studentNo)).size;
    // Sends per question: however many cards 进度 answers with, the same for every question, never more for a repeat.
    const [q] = await db.sql<{ sends: number; messages: number; least: number; most: number }>(
      `select coalesce(sum(n), 0)::int as sends, count(*)::int as messages, coalesce(min(n), 0)::int as least, coalesce(max(n), 0)::int as most
         from (select split_part(key, ':', 4) as message, count(*) as n from graphile_worker._private_jobs
                where key like $1 group by 1) per_message`,
      [`send:feishu:re:${prefix}%`],
    );
    const checks: Check[] = [
      {
        name: 'requests that failed',
        ok: run.tally.errors.length === 0,
        detail: `${run.tally.errors.length} (expected 0)`,
      },
      {
        name: 'questions answered 200',
        ok: count(run.tally, 'answered') === taps.length,
        detail: `${count(run.tally, 'answered')} (expected ${taps.length})`,
      },
      {
        name: 'distinct questions with a status card queued',
        ok: q!.messages === distinct,
        detail: `${q!.messages} (expected ${distinct})`,
      },
      {
        name: 'cards queued per question, the same for all (a repeat adds none)',
        ok: q!.least > 0 && q!.least === q!.most,
        detail: `${q!.least}-${q!.most}`,
      },
    ];
    for (const c of checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
    const lost = distinct - q!.messages;
    const doubled = q!.sends - q!.least * distinct;
    return requestsResult(opts.label, '-', run, taps.length, checked(checks, lost, doubled));
  } finally {
    await service.close();
  }
}
