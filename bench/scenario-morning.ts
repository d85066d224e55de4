// Scenario H, the busiest morning: a block list, ten offices tapping and students asking 进度 at once, the worker on,
// against fakes that enforce Feishu's and WeCom's quotas. It measures what people see: the notice, every copy patched.
import { importList } from '../src/imports/lists.ts';
import { importStaff } from '../src/imports/staff.ts';
import { feishuEvent, feishuRequest } from '../test/support/feishu-sign.ts';
import { STAFF_CSV, seedSeason, studentNo } from '../test/support/season.ts';
import type { BenchDb } from './bench-db.ts';
import { MORNING_KEY, startMorningService, type MorningService } from './morning-service.ts';
import { fmt } from './stats.ts';
import type { ScenarioResult } from './result.ts';
import { report } from './morning-report.ts';

export interface MorningSize {
  students: number;
  /** students the finance block list passes (the rest are on it, held) */
  listPasses: number;
  tapsPerSecondPerOffice: number;
  questionsPerMinute: number;
  minutes: number;
  /** give up waiting for the backlog after this long */
  drainLimitMinutes: number;
}

export const MORNING: Record<'full' | 'short', MorningSize> = {
  full: {
    students: 20_000,
    listPasses: 9000,
    tapsPerSecondPerOffice: 5,
    questionsPerMinute: 200,
    minutes: 10,
    drainLimitMinutes: 90,
  },
  short: {
    students: 2000,
    listPasses: 900,
    tapsPerSecondPerOffice: 5,
    questionsPerMinute: 200,
    minutes: 1,
    drainLimitMinutes: 20,
  },
};

/** Ten offices (a step and the handler who taps it), each with a colleague holding the same list. */
const OFFICES: [step: string, tapper: string][] = [
  ['library', 'library'],
  ['hospital', 'hospital'],
  ['loan', 'loan'],
  ['grad_service', 'service'],
  ['campus_card', 'card'],
  ['dormitory', 'dorm-a'],
  ['academic_secretary', 'sec-cs'],
  ['academic_secretary', 'sec-me'],
  ['student_work', 'sw-cs'],
  ['party', 'party-cs'],
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let seq = 0;

async function postEvent(webhook: string, event: object): Promise<{ toast?: { content?: string } }> {
  const r = feishuRequest(event, MORNING_KEY);
  const res = await fetch(webhook, { method: 'POST', headers: r.headers, body: new Uint8Array(r.body) });
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  return (await res.json()) as { toast?: { content?: string } };
}

const ask = (openId: string, text: string, messageId = `om_h_${++seq}`) =>
  feishuEvent('im.message.receive_v1', {
    sender: { sender_id: { open_id: openId }, sender_type: 'user' },
    message: { message_id: messageId, chat_type: 'p2p', message_type: 'text', content: JSON.stringify({ text }) },
  });

/** Sends `tick(i)` `perSecond` times a second for `ms` (an open loop: a slow answer does not slow the arrivals). */
async function openLoop(perSecond: number, ms: number, tick: (i: number) => Promise<void>): Promise<void> {
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; ; i++) {
    const at = start + (i * 1000) / perSecond;
    if (at - start >= ms) break;
    const wait = at - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(tick(i).catch((e: Error) => void errors.push(e.message)));
  }
  await Promise.all(pending);
}
const errors: string[] = [];

export interface Decided {
  student: string;
  at: number;
  /** the office's copies that showed the row when it was decided */
  copies: string[];
}

export async function busiestMorning(db: BenchDb, size: MorningSize, label: string): Promise<ScenarioResult> {
  console.log(
    `\n== ${label}: ${size.students} students; a finance block list passing ${size.listPasses}; 10 offices × ${size.tapsPerSecondPerOffice} taps/s; ${size.questionsPerMinute} 进度 a minute; ${size.minutes} min; worker on, quotas enforced`,
  );
  await seedSeason(db, size.students);
  // each tapper's colleague holds the same step and scope, so the office's list has two copies
  const staff = STAFF_CSV.split('\n').concat(
    OFFICES.map(([, tapper]) => {
      const own = STAFF_CSV.split('\n')
        .find((line) => line.split(',')[5] === tapper)!
        .split(',');
      return `${tapper}同事,handler,${own[2]},${own[3]},${own[4]},${tapper}-2`;
    }),
  );
  await importStaff(db.orm.em.fork(), db.wf, staff.join('\n'), 'staff.csv');
  await db.sql(`update person set feishu_open_id = 'ou_' || wecom_userid where wecom_userid is not null`);
  const service = await startMorningService(db);
  try {
    return await measure(db, service, size, label);
  } finally {
    await service.close();
  }
}

async function measure(
  db: BenchDb,
  service: MorningService,
  size: MorningSize,
  label: string,
): Promise<ScenarioResult> {
  const { feishuFake: feishu, webhook } = service;
  // Every office holder asks for their list: the cards the taps come from, and the copies to patch.
  const holders = OFFICES.flatMap(([, who]) => [who, `${who}-2`]);
  for (const who of holders) await postEvent(webhook, ask(`ou_${who}`, '待办'));
  for (let i = 0; i < 600; i++) {
    const [n] = await db.sql<{ n: number }>(`select count(*)::int as n from delivered_card where platform = 'feishu'`);
    if (n!.n >= holders.length) break;
    await sleep(100);
  }
  const copyOf = new Map(
    (
      await db.sql<{ who: string; message_id: string }>(
        `select p.wecom_userid as who, d.message_id from delivered_card d join person p on p.id = d.person_id where d.platform = 'feishu'`,
      )
    ).map((r) => [r.who, r.message_id]),
  );
  // what the fakes hold from here on is the morning's (the 待办 cards above stay known, for the patches)
  const before = { feishu: feishu.messages.length, patches: feishu.patches.length, calls: feishu.accepted.length };
  const backlog = sampleBacklog(db);

  const decided: Decided[] = [];
  const asked: { openId: string; at: number; messageId: string }[] = [];
  const t0 = performance.now();
  const ms = size.minutes * 60_000;

  const list = (async () => {
    const held = Array.from({ length: size.students - size.listPasses }, (_, i) => studentNo(size.listPasses + i));
    const csv = ['student_no,reason', ...held.map((no) => `${no},学费未缴清`)].join('\n');
    await importList(db.orm.em.fork(), db.wf, {
      step: 'finance',
      mode: 'block',
      text: csv,
      file: 'finance.csv',
      actorLabel: 'bench:finance',
    });
    const at = performance.now();
    for (let i = 0; i < size.listPasses; i++) decided.push({ student: studentNo(i), at, copies: [] });
  })();

  const office = ([step, who]: [string, string]) => {
    const tapped = new Set<number>();
    const mine = copyOf.get(who)!;
    return openLoop(size.tapsPerSecondPerOffice, ms, async () => {
      // the librarian taps the first row still pending on the card as it is now
      const [row] = await db.sql<{ id: number; version: number; student_no: string }>(
        `select c.id, c.version, s.student_no from delivered_card d, unnest(d.clearance_ids) x(id)
           join clearance c on c.id = x.id join student s on s.id = c.student_id
          where d.platform = 'feishu' and d.message_id = $1 and c.status = 'pending' and not (c.id = any($2::int[]))
          limit 1`,
        [mine, [...tapped]],
      );
      const target =
        row ??
        (
          await db.sql<{ id: number; version: number; student_no: string }>(
            `select c.id, c.version, s.student_no from clearance c join student s on s.id = c.student_id
              where c.step_key = $1 and c.status = 'pending' and not (c.id = any($2::int[])) limit 1`,
            [step, [...tapped]],
          )
        )[0];
      if (!target) return;
      tapped.add(target.id);
      const answer = await postEvent(
        webhook,
        feishuEvent('card.action.trigger', {
          operator: { open_id: `ou_${who}` },
          token: `c-h-${++seq}`,
          action: { tag: 'button', value: { a: 'pass', c: target.id, v: target.version } },
          context: { open_message_id: mine },
        }),
      );
      if (answer.toast?.content === '已通过')
        decided.push({
          student: target.student_no,
          at: performance.now(),
          // the tapper's own copy is the tap's answer; the colleague's is patched
          copies: row ? [copyOf.get(`${who}-2`)!] : [],
        });
    });
  };

  const questions = openLoop(size.questionsPerMinute / 60, ms, async (i) => {
    const no = studentNo((i * 7919) % size.students);
    const messageId = `om_h_q${i}`;
    asked.push({ openId: `ou_stu${Number(no.slice(4))}`, at: performance.now(), messageId });
    await postEvent(webhook, ask(`ou_stu${Number(no.slice(4))}`, '进度', messageId));
  });

  await Promise.all([list, questions, ...OFFICES.map(office)]);
  const loadEnd = performance.now();
  console.log(
    `  load done in ${fmt((loadEnd - t0) / 1000, 0)} s: ${decided.length} decisions; waiting for the backlog`,
  );
  const drained = await waitForDrain(db, size.drainLimitMinutes * 60_000);
  const drainEnd = performance.now();
  const seconds = await backlog.stop();
  return report(db, service, size, label, { t0, loadEnd, drainEnd, drained, decided, asked, before, seconds, errors });
}

/** Every second: when, and whether more sends were due than the app could make in it (a backlog). */
function sampleBacklog(db: BenchDb): { stop: () => Promise<{ at: number; backlog: boolean }[]> } {
  const seconds: { at: number; backlog: boolean }[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const [due] = await db.sql<{ n: number }>(
        `select count(*)::int as n from graphile_worker._private_jobs
          where run_at <= now() and attempts < max_attempts
            and task_id in (select id from graphile_worker._private_tasks where identifier in ('send_card', 'send_card_now'))`,
      );
      seconds.push({ at: performance.now(), backlog: due!.n > 50 });
      await sleep(1000);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return seconds;
    },
  };
}

/** Until nothing is queued, held or recorded and not yet turned into jobs. */
async function waitForDrain(db: BenchDb, limitMs: number): Promise<boolean> {
  const until = performance.now() + limitMs;
  while (performance.now() < until) {
    const [q] = await db.sql<{ jobs: number; outbox: number; held: number }>(
      `select (select count(*) from graphile_worker._private_jobs
                where attempts < max_attempts and task_id in (select id from graphile_worker._private_tasks
                  where identifier in ('send_card', 'send_card_now', 'clearance_changed', 'student_notice', 'feishu_patch_copy')))::int as jobs,
              (select count(*) from change_outbox)::int as outbox,
              (select count(*) from notice_queue)::int as held`,
    );
    if (q!.jobs + q!.outbox + q!.held === 0) return true;
    await sleep(1000);
  }
  return false;
}
