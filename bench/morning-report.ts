// Scenario H's report: freshness of notices and copies, answers, quota use against the fakes, and its checks.
import type { BenchDb } from './bench-db.ts';
import type { MorningService } from './morning-service.ts';
import type { Decided, MorningSize } from './scenario-morning.ts';
import { fmt, formatLatency, summarize } from './stats.ts';
import type { ScenarioResult } from './result.ts';
import type { Check } from './verify.ts';

export interface Timeline {
  t0: number;
  loadEnd: number;
  drainEnd: number;
  drained: boolean;
  decided: Decided[];
  asked: { openId: string; at: number; messageId: string }[];
  /** how much of the fakes' records came before the morning */
  before: { feishu: number; patches: number; calls: number };
  seconds: { at: number; backlog: boolean }[];
  /** requests that failed, by message */
  errors: string[];
}

/** The most items in any window of `ms` (sorted times). */
function busiest(times: number[], ms: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/**
 * The longest stretch of consecutive seconds that all began with a backlog (samples about a second apart), as
 * [from, to): the quota's use is measured over one stretch, not over scattered seconds, so it cannot pass 100 %.
 */
export function longestBacklog(seconds: { at: number; backlog: boolean }[]): { from: number; to: number } | null {
  let best: { from: number; to: number } | null = null;
  let start: number | null = null;
  for (let i = 0; i < seconds.length; i++) {
    const x = seconds[i]!;
    const next = seconds[i + 1];
    if (x.backlog && start === null) start = x.at;
    // a sample more than 1.5 s after this one, or none, ends the stretch at this second's end
    const ends = !x.backlog || !next || !next.backlog || next.at - x.at > 1500;
    if (start !== null && ends) {
      const to = x.backlog ? x.at + 1000 : x.at;
      if (!best || to - start > best.to - best.from) best = { from: start, to };
      start = null;
    }
  }
  return best;
}

export async function report(
  db: BenchDb,
  { feishuFake: feishu, wecomFake: wecom }: MorningService,
  size: MorningSize,
  label: string,
  t: Timeline,
): Promise<ScenarioResult> {
  // student -> the times notices reached them on Feishu (chat answers carry the uuid re:…, notices do not)
  const notices = new Map<string, number[]>();
  for (const m of feishu.messages.slice(t.before.feishu))
    if (m.receive_id.startsWith('ou_stu') && !m.uuid?.startsWith('re:'))
      notices.set(m.receive_id, [...(notices.get(m.receive_id) ?? []), m.at]);
  const openIdOf = (no: string) => `ou_stu${Number(no.slice(4))}`;
  const noticeLag: number[] = [];
  let lost = 0;
  for (const d of t.decided) {
    const first = (notices.get(openIdOf(d.student)) ?? []).find((at) => at >= d.at);
    if (first === undefined) lost++;
    else noticeLag.push(first - d.at);
  }
  const decisionsPer = new Map<string, number>();
  for (const d of t.decided) decisionsPer.set(d.student, (decisionsPer.get(d.student) ?? 0) + 1);
  const doubled = [...decisionsPer].filter(([no, n]) => (notices.get(openIdOf(no))?.length ?? 0) > n).length;

  const patchesOf = new Map<string, number[]>();
  for (const p of feishu.patches.slice(t.before.patches))
    patchesOf.set(p.message_id, [...(patchesOf.get(p.message_id) ?? []), p.at]);
  const copyLag: number[] = [];
  let unpatched = 0;
  for (const d of t.decided.filter((x) => x.copies.length)) {
    const each = d.copies.map((c) => (patchesOf.get(c) ?? []).find((at) => at >= d.at));
    if (each.some((x) => x === undefined)) unpatched++;
    else copyLag.push(Math.max(...(each as number[])) - d.at);
  }
  const answerLag = t.asked.flatMap((q) => {
    const m = feishu.messages.find((x) => x.receive_id === q.openId && x.uuid === `re:${q.messageId}:0`);
    return m ? [m.at - q.at] : [];
  });

  const accepted = feishu.accepted.slice(t.before.calls);
  // the calls made in the longest stretch of seconds that each began with more sends due than the app may make in one
  const stretch = longestBacklog(t.seconds);
  const stretchMs = stretch ? stretch.to - stretch.from : 0;
  const inStretch = stretch ? accepted.filter((at) => at >= stretch.from && at < stretch.to).length : 0;
  const perMinute = stretchMs ? (inStretch / stretchMs) * 60_000 : 0;
  const wecomPerMember = new Map<string, number[]>();
  for (const m of wecom.messages) wecomPerMember.set(m.touser, [...(wecomPerMember.get(m.touser) ?? []), m.at]);
  const wecomBusiest = Math.max(0, ...[...wecomPerMember.values()].map((times) => busiest(times, 60_000)));

  const s = (xs: number[]) => formatLatency(summarize(xs.map((x) => x)));
  console.log(
    `  decisions: ${t.decided.length} (${size.listPasses} by list, ${t.decided.length - size.listPasses} by tap); errors ${t.errors.length}`,
  );
  for (const e of t.errors.slice(0, 5)) console.log(`  error: ${e}`);
  console.log(`  decision -> student's notice on Feishu: ${s(noticeLag)}`);
  console.log(`  decision -> every copy of the office's card patched: ${s(copyLag)}`);
  console.log(`  进度 -> status card sent: ${s(answerLag)}`);
  console.log(
    `  Feishu: ${accepted.length} calls; busiest second ${busiest(accepted, 1000)} / 50, busiest minute ${busiest(accepted, 60_000)} / 1000; ` +
      `${fmt(perMinute, 0)} a minute over the longest stretch with a backlog (${fmt(stretchMs / 1000, 0)} s: ${fmt(perMinute / 10, 0)} % of the 1,000 a minute); over quota (429): ${feishu.overQuota}`,
  );
  console.log(
    `  WeCom: ${wecom.messages.length} messages; busiest member-minute ${wecomBusiest} / 30; dropped by WeCom: ${wecom.dropped.length}`,
  );
  console.log(
    `  backlog drained ${t.drained ? `${fmt((t.drainEnd - t.loadEnd) / 1000, 0)} s after the load ended` : 'NOT within the limit'}`,
  );
  const eq = (name: string, got: number, want: number): Check => ({
    name,
    ok: got === want,
    detail: `${got} (expected ${want})`,
  });
  const checks: Check[] = [
    eq('requests that failed', t.errors.length, 0),
    eq('backlog drained', t.drained ? 1 : 0, 1),
    eq('decided students never told', lost, 0),
    eq('students told more often than decided', doubled, 0),
    eq('tapped rows whose copies were never patched', unpatched, 0),
    eq('Feishu calls over quota (429)', feishu.overQuota, 0),
    eq('WeCom messages dropped past 30 a member-minute', wecom.dropped.length, 0),
    eq('status questions answered', answerLag.length, t.asked.length),
  ];
  for (const c of checks) console.log(`  check ${c.ok ? 'ok' : 'FAILED'}: ${c.name}: ${c.detail}`);
  const [passed] = await db.sql<{ n: number }>(`select count(*)::int as n from clearance where status = 'passed'`);
  return {
    label,
    step: 'mixed',
    unit: 'rows',
    count: t.decided.length,
    wallMs: t.drainEnd - t.t0,
    perSec: t.decided.length / ((t.drainEnd - t.t0) / 1000),
    latency: summarize(noticeLag),
    verification: { lost, doubled, unacknowledged: 0, late: 0, checks, ok: checks.every((c) => c.ok) && passed!.n > 0 },
  };
}
