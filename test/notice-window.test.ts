// A student's notices within the coalescing window reach them as one message; without a window, one per change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { actorFor, seedSeason, studentNo } from './support/season.ts';
import { decide } from '../src/decisions/decide.ts';
import { handlerDeps } from '../bot/server.ts';
import { notifyListener, studentNoticeTask } from '../bot/delivery/notify.ts';
import { STUDENT_NOTICE_TASK } from '../src/delivery/notice-queue.ts';
import { runQueueOnce, taskList, workerLogger } from '../src/queue/worker.ts';
import type { SendCardJob } from '../src/queue/enqueue.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { renderWecom } from '../cards/render/wecom.ts';
import type { Card } from '../cards/index.ts';

const log = createLogger('silent');
let db: TestDb;
const sent: SendCardJob[] = [];

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 6);
});
afterAll(() => db.close());

const run = async (windowSec: number) => {
  const hd = handlerDeps({ orm: db.orm, wf: db.wf, config: loadConfig({}), log });
  await runQueueOnce({
    connectionString: db.url,
    taskList: taskList(
      [notifyListener(hd, ['wecom'], windowSec)],
      { wecom: async (job) => void sent.push(job) },
      {
        [STUDENT_NOTICE_TASK]: studentNoticeTask(hd, ['wecom']),
      },
    ),
    logger: workerLogger(log),
  });
};
const act = async (step: string, who: string, no: string, decision: 'pass' | 'return' = 'pass', reason?: string) => {
  const [row] = await decide(db.orm.em.fork(), db.wf, {
    actor: await actorFor(db, who),
    stepKey: step,
    decision,
    source: 'card',
    items: [{ studentNo: no, reason }],
  });
  expect(row!.outcome).toBe('applied');
};
const to = (userid: string) => sent.filter((j) => j.to === userid);
const text = (job: SendCardJob) => JSON.stringify(job.card);
const noticeJob = (personKey: string) =>
  db.sql<{ in_s: number }>(
    `select extract(epoch from run_at - now())::int as in_s from graphile_worker._private_jobs where key = $1`,
    [personKey],
  );

describe('the coalescing window', () => {
  it('three passes and a return within the window are one message, in workflow order, sent when it ends', async () => {
    const no = studentNo(0);
    const [student] = await db.sql<{ person_id: number }>('select person_id from student where student_no = $1', [no]);
    const key = `student-notice:${student!.person_id}`;
    await act('hospital', 'hospital', no);
    await act('finance', 'finance', no);
    await run(60);
    expect(to('stu0')).toHaveLength(0);
    const [first] = await noticeJob(key);
    expect(first!.in_s).toBeGreaterThan(30);
    expect(first!.in_s).toBeLessThanOrEqual(60);
    await act('loan', 'loan', no);
    await act('library', 'library', no, 'return', '图书逾期未还');
    for (const [step, who] of [
      ['academic_secretary', 'sec-cs'],
      ['student_work', 'sw-cs'],
      ['party', 'party-cs'],
    ])
      await act(step!, who!, no);
    await run(60);
    expect(to('stu0')).toHaveLength(0);
    // later changes join the job and keep its time: the window starts at the first change, it does not slide
    const jobs = await noticeJob(key);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.in_s).toBeLessThanOrEqual(first!.in_s);

    await db.sql(`update graphile_worker._private_jobs set run_at = now() where key = $1`, [key]);
    await run(60);
    expect(to('stu0')).toHaveLength(1);
    const [open] = await db.sql<{ n: number }>(
      `select count(*)::int as n from clearance c join student s on s.id = c.student_id
        where s.student_no = $1 and c.status in ('pending', 'returned')`,
      [no],
    );
    const card = text(to('stu0')[0]!);
    expect(card).toContain(
      `学院研究生教务秘书、学院研究生工作组、学院党委/党总支、财务处、国家助学贷款管理中心、校医院 已通过，还有 ${open!.n} 项待办理。`,
    );
    expect(card).toContain('图书馆退回了您的离校手续：图书逾期未还');
    // WeCom shows it whole: its description within the 44 characters WeCom recommends, the list in the text
    expect(renderWecom(to('stu0')[0]!.card as Card, { taskId: 't', url: 'http://x.test' }).dropped).toEqual([]);
    expect(await db.sql('select * from notice_queue')).toEqual([]);
    await run(60);
    expect(to('stu0')).toHaveLength(1);
  });

  it('an office told a student is ready hears at once; only the student waits', async () => {
    const no = studentNo(1);
    // every step but the library's passed; then the library passes
    await db.sql(
      `update clearance c set status = 'passed', version = version + 1 from student s
        where s.id = c.student_id and s.student_no = $1 and c.step_key not in ('grad_office', 'library')`,
      [no],
    );
    await act('library', 'library', no);
    await run(60);
    expect(to('stu1')).toHaveLength(0);
    expect(to('office').filter((j) => text(j).includes(no))).toHaveLength(1);
  });

  it('without a window each change is its own message at once', async () => {
    const no = studentNo(2);
    await act('finance', 'finance', no);
    await act('hospital', 'hospital', no);
    await run(0);
    expect(to('stu2')).toHaveLength(2);
  });
});
