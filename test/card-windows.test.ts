// Cards past the platforms' windows (Feishu: 14 days; WeCom: a 72 h single-use code) are left alone; people get fresh ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import { startFakeFeishu, type FakeFeishu } from './support/fake-feishu.ts';
import { startFakeWecom, type FakeWecom } from './support/fake-wecom.ts';
import { jobNamed, onMessage, type Deps } from '../handlers/index.ts';
import { runJob } from '../handlers/jobs/run-job.ts';
import { createFeishu, type Feishu } from '../bot/feishu/index.ts';
import { createWecom, type Wecom } from '../bot/wecom/index.ts';
import { runQueueOnce, taskList, workerLogger } from '../src/queue/worker.ts';
import type { SendCardJob } from '../src/queue/enqueue.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';

const DAY = 24 * 3600_000;
// The service's clock, three weeks ahead of the machine's: every age below is judged by it, not by the database's.
const NOW = new Date(Math.floor((Date.now() + 21 * DAY) / 60_000) * 60_000);
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const log = createLogger('silent');
let db: TestDb;
let deps: Deps;
let fakeF: FakeFeishu;
let fakeW: FakeWecom;
let feishu: Feishu;
let wecom: Wecom;
let librarian: number;

/** The librarian's 待办 card, sent on a platform under `key`; returns the platform's id of the copy. */
async function sendTodo(platform: 'feishu' | 'wecom', key: string): Promise<string> {
  const [card] = await onMessage(
    deps,
    { who: { platform: 'console', userId: String(librarian) }, text: '待办', eventId: key },
    { layout: platform === 'wecom' ? 'checklist' : 'buttons' },
  );
  const job: SendCardJob = {
    platform,
    to: 'library',
    card,
    key,
    personId: librarian,
    shows: card!.shows,
  };
  if (platform === 'feishu') {
    await feishu.sender({ ...job, to: 'ou_library' });
    return fakeF.messages.at(-1)!.message_id;
  }
  await wecom.sender(job);
  return key;
}

/** A library clearance the librarian's cards show, passed as a decision would leave it. */
async function libraryPassed(i: number) {
  const [c] = await db.sql<{ id: number; version: number }>(
    `update clearance set status = 'passed', version = version + 1, decided_at = now()
      where step_key = 'library' and student_id = (select id from student where student_no = $1) returning id, version`,
    [studentNo(i)],
  );
  return [{ clearanceId: c!.id, version: c!.version }];
}

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 6);
  await db.sql(`update person set feishu_open_id = 'ou_' || wecom_userid where wecom_userid is not null`);
  librarian = (await db.sql<{ id: number }>(`select id from person where wecom_userid = 'library'`))[0]!.id;
  fakeF = await startFakeFeishu();
  fakeW = await startFakeWecom();
  const config = loadConfig({
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
  deps = {
    orm: db.orm,
    wf: db.wf,
    timeZone: 'Asia/Shanghai',
    publicUrl: 'http://x',
    platforms: ['feishu', 'wecom'],
    now: () => NOW,
  };
  feishu = createFeishu(config.feishu!, deps, log);
  wecom = createWecom(config.wecom!, deps, log);
});
afterAll(async () => {
  await fakeF.close();
  await fakeW.close();
  await db.close();
});

describe('Feishu cards past 14 days', () => {
  it('are not patched (no call spent); younger copies are', async () => {
    const dead = await sendTodo('feishu', 'todo-dead');
    const live = await sendTodo('feishu', 'todo-live');
    await db.sql(`update delivered_card set created_at = $2 where message_id = $1`, [dead, ago(14 * DAY + 60_000)]);
    await db.sql(`update delivered_card set created_at = $2 where message_id = $1`, [live, ago(13 * DAY)]);
    fakeF.patches.length = 0;
    await feishu.listeners[0]!({ changes: await libraryPassed(0), cause: 'pass', jobKey: null });
    expect(fakeF.patches.map((p) => p.message_id)).toEqual([live]);
  });
});

describe('WeCom cards whose update code is past 72 h', () => {
  it('are not redrawn and their code is not spent; a card tapped an hour ago is, however old the card', async () => {
    await sendTodo('wecom', 'todo_w_dead');
    await sendTodo('wecom', 'todo_w_live');
    await db.sql(`update delivered_card set response_code_at = $1 where message_id = 'todo_w_dead'`, [
      ago(72 * 3600_000 + 60_000),
    ]);
    // sent five days ago; the last tap brought a fresh code an hour ago
    await db.sql(`update delivered_card set created_at = $1, response_code_at = $2 where message_id = 'todo_w_live'`, [
      ago(5 * DAY),
      ago(3600_000),
    ]);
    const codes = await db.sql<{ message_id: string; response_code: string }>(
      `select message_id, response_code from delivered_card where platform = 'wecom' order by message_id`,
    );
    fakeW.cardUpdates.length = 0;
    await wecom.listeners[0]!({ changes: await libraryPassed(1), cause: 'pass', jobKey: null });
    expect(fakeW.cardUpdates.map((u) => u.response_code)).toEqual([
      codes.find((c) => c.message_id === 'todo_w_live')!.response_code,
    ]);
    expect(
      await db.sql(`select response_code is not null as kept from delivered_card where message_id = 'todo_w_dead'`),
    ).toEqual([{ kept: true }]);
  });
});

describe('a person whose last card is past its window', () => {
  it('gets a fresh card from the nudge and from 待办, and that copy is the one kept up to date', async () => {
    await db.sql(`update delivered_card set created_at = $1, response_code_at = $1`, [ago(30 * DAY)]);
    const before = fakeF.messages.length;
    const run = await runJob(
      jobNamed('nudge')!,
      {
        em: db.orm.em.fork(),
        wf: db.wf,
        timeZone: 'Asia/Shanghai',
        now: NOW,
        deps,
        settings: { remindDays: [7, 3, 1], nearDays: 3 },
      },
      'test',
    );
    expect(run.ran && run.result.nudged).toBeGreaterThan(0);
    await runQueueOnce({
      connectionString: db.url,
      taskList: taskList([], { feishu: feishu.sender, wecom: wecom.sender }),
      logger: workerLogger(log),
    });
    const fresh = fakeF.messages.slice(before).filter((m) => m.receive_id === 'ou_library');
    expect(fresh).toHaveLength(1); // a new message, not a patch of the dead one
    const typed = await sendTodo('feishu', 'todo-typed'); // 待办 typed again: a new card too
    fakeF.patches.length = 0;
    await feishu.listeners[0]!({ changes: await libraryPassed(2), cause: 'pass', jobKey: null });
    expect(fakeF.patches.map((p) => p.message_id).sort()).toEqual([fresh[0]!.message_id, typed].sort());
  });
});
