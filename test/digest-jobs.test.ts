// The scheduled jobs end to end: digests, nudges, reminders and escalation delivered to the console, Feishu and WeCom.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import { startFakeFeishu, type FakeFeishu } from './support/fake-feishu.ts';
import { startFakeWecom, type FakeWecom } from './support/fake-wecom.ts';
import { jobNamed, onTap, type Deps } from '../handlers/index.ts';
import { runJob } from '../handlers/jobs/run-job.ts';
import { ConsoleInbox } from '../bot/console/inbox.ts';
import { createFeishu } from '../bot/feishu/index.ts';
import { createWecom } from '../bot/wecom/index.ts';
import { runQueueOnce, taskList, workerLogger } from '../src/queue/worker.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { addDays } from '../src/time.ts';
import type { Block } from '../cards/index.ts';

const TZ = 'Asia/Shanghai';
const NOW = new Date('2026-06-20T02:00:00Z'); // 10:00 in Chongqing
const TODAY = '2026-06-20';
const log = createLogger('silent');
let db: TestDb;
let deps: Deps;
let inbox: ConsoleInbox;
let fakeF: FakeFeishu;
let fakeW: FakeWecom;
let senders: Record<string, (job: never) => Promise<void>>;

const ctx = (now = NOW) => ({
  em: db.orm.em.fork(),
  wf: db.wf,
  timeZone: TZ,
  now,
  deps,
  settings: { remindDays: [7, 3, 1], nearDays: 3 },
});
const run = (name: string, now = NOW) => runJob(jobNamed(name)!, ctx(now), 'test');
const drain = () =>
  runQueueOnce({ connectionString: db.url, taskList: taskList([], senders as never), logger: workerLogger(log) });
const personOf = async (wecom: string) =>
  (await db.sql<{ id: number }>('select id from person where wecom_userid = $1', [wecom]))[0]!.id;

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 30);
  // deadlines: students 0-2 overdue, 3 in 3 days, 4 in 7 days, the rest far away
  await db.sql(`update student set deadline = '2026-09-01'`);
  await db.sql(`update student set deadline = $1 where student_no = any($2)`, [
    addDays(TODAY, -2),
    [studentNo(0), studentNo(1), studentNo(2)],
  ]);
  await db.sql(`update student set deadline = $1 where student_no = $2`, [addDays(TODAY, 3), studentNo(3)]);
  await db.sql(`update student set deadline = $1 where student_no = $2`, [addDays(TODAY, 7), studentNo(4)]);
  await db.sql(`update person set feishu_open_id = 'ou_' || wecom_userid where wecom_userid is not null`);
  fakeF = await startFakeFeishu();
  fakeW = await startFakeWecom();
  const config = loadConfig({
    DATABASE_URL: db.url,
    FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718',
    FEISHU_APP_SECRET: 'fake-secret',
    FEISHU_VERIFICATION_TOKEN: 'v',
    FEISHU_BASE_URL: fakeF.url,
    WECOM_CORP_ID: 'ww1436e0e65a779aee',
    WECOM_AGENT_ID: '1000002',
    WECOM_SECRET: 'fake-wecom-secret',
    WECOM_TOKEN: 't',
    WECOM_ENCODING_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
    WECOM_BASE_URL: fakeW.url,
  });
  deps = { orm: db.orm, wf: db.wf, timeZone: TZ, publicUrl: 'http://x', platforms: ['console', 'feishu', 'wecom'] };
  inbox = new ConsoleInbox();
  senders = {
    console: inbox.sender(),
    feishu: createFeishu(config.feishu!, deps, log).sender,
    wecom: createWecom(config.wecom!, deps, log).sender,
  };
});
afterAll(async () => {
  await fakeF.close();
  await fakeW.close();
  await db.close();
});

describe('the daily digest', () => {
  it('reaches each college admin on every platform, with overdue students and a nudge button; once per slot', async () => {
    const r = await run('digest');
    expect(r).toMatchObject({ ran: true, slot: TODAY, result: { digests: 1 } }); // one college admin in the season (计算机学院)
    expect((await run('digest')).ran).toBe(false);
    await drain();
    const admin = await personOf('admin-cs');
    const [msg] = inbox.since(admin, 0);
    expect(msg!.card.title).toBe('计算机学院 离校进度日报');
    const text = JSON.stringify(msg!.card);
    expect(text).toContain(studentNo(0)); // 计算机学院 and overdue
    expect(text).not.toContain(studentNo(1)); // another college
    expect(msg!.card.blocks.some((b) => b.kind === 'bars')).toBe(true);
    const nudge = (msg!.card.blocks.find((b) => b.kind === 'actions') as Extract<Block, { kind: 'actions' }>)
      .buttons[0]!;
    expect(nudge.value.a).toBe('nudge');
    expect(fakeF.messages.filter((m) => m.receive_id === 'ou_admin-cs')).toHaveLength(1);
    expect(fakeW.messages.filter((m) => m.touser === 'admin-cs')).toHaveLength(1);
  });

  it('the nudge button sends the office its list once a day', async () => {
    const admin = await personOf('admin-cs');
    const [msg] = inbox.since(admin, 0);
    const nudge = (msg!.card.blocks.find((b) => b.kind === 'actions') as Extract<Block, { kind: 'actions' }>)
      .buttons[0]!;
    const first = await onTap(
      deps,
      { who: { platform: 'console', userId: String(admin) }, value: nudge.value },
      { layout: 'buttons' },
    );
    expect(first.toast!.text).toMatch(/^已提醒 \d+ 位$/);
    const again = await onTap(
      deps,
      { who: { platform: 'console', userId: String(admin) }, value: nudge.value },
      { layout: 'buttons' },
    );
    expect(again.toast!.text).toBe('今天已提醒过');
    const student = await onTap(
      deps,
      { who: { platform: 'wecom', userId: 'stu0' }, value: nudge.value },
      { layout: 'buttons' },
    );
    expect(student.toast!.tone).toBe('red');
  });
});

describe('reminders, nudges and escalation', () => {
  it('reminds students 7, 3 and 1 days before and every day after their deadline, and nobody else', async () => {
    const r = await run('remind');
    expect(r.ran && r.result.reminded).toBe(5); // 0,1,2 overdue; 3 at three days; 4 at seven days
    await drain();
    const stu3 = await personOf('stu3');
    expect(inbox.since(stu3, 0).map((m) => m.card.type)).toContain('reminder');
    expect(inbox.since(await personOf('stu5'), 0)).toEqual([]);
  });

  it('every handler with waiting students gets one list card; escalation reaches the school admins', async () => {
    const nudged = await run('nudge');
    expect(nudged.ran && Number(nudged.result.nudged)).toBeGreaterThan(5);
    const esc = await run('escalate');
    expect(esc.ran && Number(esc.result.offices)).toBeGreaterThan(0);
    await drain();
    const school = await personOf('admin-school');
    expect(inbox.since(school, 0).some((m) => m.card.title.startsWith('各环节逾期情况'))).toBe(true);
  });

  it('sends no digest when nothing is open', async () => {
    await db.sql(`update clearance set status = 'passed' where status in ('pending', 'returned')`);
    const r = await run('digest', new Date('2026-06-21T02:00:00Z'));
    expect(r).toMatchObject({ ran: true, result: { digests: 0, queued: 0 } });
  });
});
