// Faults the platforms and the database bring: repeated deliveries, a slow database, a worker dying between send and done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import type { FakeFeishu } from './support/fake-feishu.ts';
import { startFeishuService, type FeishuService } from './support/feishu-service.ts';
import { feishuEvent, feishuRequest } from './support/feishu-sign.ts';
import { handlerDeps } from '../bot/server.ts';
import type { Feishu } from '../bot/feishu/index.ts';
import { TAP_BUDGET_MS } from '../bot/feishu/events.ts';
import { notifyListener } from '../bot/delivery/notify.ts';
import { runQueueOnce, taskList, workerLogger, type CardSender } from '../src/queue/worker.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';

const KEY = 'faults-encrypt-key';
const log = createLogger('silent');
let db: TestDb;
let fake: FakeFeishu;
let feishu: Feishu;
let service: FeishuService;
let url: string;

const post = async (payload: object) => {
  const r = feishuRequest(payload, KEY);
  const res = await fetch(`${url}/feishu/webhook`, {
    method: 'POST',
    headers: r.headers,
    body: new Uint8Array(r.body),
  });
  return { status: res.status, json: await res.json() };
};
const message = (openId: string, text: string, messageId: string) =>
  feishuEvent('im.message.receive_v1', {
    sender: { sender_id: { open_id: openId } },
    message: { message_id: messageId, message_type: 'text', content: JSON.stringify({ text }) },
  });
const tapOn = (openId: string, value: object) =>
  feishuEvent('card.action.trigger', {
    operator: { open_id: openId },
    token: 'c-late',
    action: { tag: 'button', value },
  });
const drain = async (sender: CardSender = feishu.sender) => {
  const hd = handlerDeps({ orm: db.orm, wf: db.wf, config: loadConfig({ LIXIAO_QUIET_HOURS: 'off' }), log }); // notices at once, whatever the hour the suite runs;
  for (let i = 0; i < 4; i++)
    await runQueueOnce({
      connectionString: db.url,
      taskList: taskList([notifyListener(hd, ['feishu'], 0)], { feishu: sender }),
      logger: workerLogger(log),
    });
};
const clearance = async (no: string, step: string) =>
  (
    await db.sql<{ id: number; version: number; status: string }>(
      'select c.id, c.version, c.status from clearance c join student s on s.id = c.student_id where s.student_no = $1 and step_key = $2',
      [no, step],
    )
  )[0]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 10);
  service = await startFeishuService(db, KEY);
  ({ fake, feishu, url } = service);
});
afterAll(async () => {
  await service.close();
  await db.close();
});

describe('repeated deliveries', () => {
  it.each([2, 3, 5])('a message delivered %i times, at once and spread out, is answered once', async (times) => {
    const ev = message('ou_stu4', '进度', `om_rep_${times}`);
    const before = fake.messages.length;
    await Promise.all(Array.from({ length: Math.ceil(times / 2) }, () => post(ev))); // concurrent
    for (let i = Math.ceil(times / 2); i < times; i++) {
      // spread out
      await sleep(20);
      await post(ev);
    }
    await drain();
    expect(fake.messages.length - before).toBe(1);
  });

  it('ten taps on one clearance by two staff make one decision and one audit row', async () => {
    const c = await clearance(studentNo(5), 'library');
    await db.sql(
      `insert into assignment (person_id, role, step_key) select id, 'handler', 'library' from person where wecom_userid = 'admin-school'`,
    );
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post(tapOn(i % 2 ? 'ou_library' : 'ou_admin-school', { a: 'pass', c: c.id, v: c.version })),
      ),
    );
    expect(answers.filter((a) => a.json.toast?.content === '已通过')).toHaveLength(1);
    expect(
      await db.sql(
        `select 1 from audit_event where student_id = (select student_id from clearance where id = $1) and step_key = 'library' and outcome = 'applied'`,
        [c.id],
      ),
    ).toHaveLength(1);
  });
});

describe('a slow database', () => {
  it('a tap stuck behind a lock is answered inside Feishu’s 3 s, then the card is updated when it finishes', async () => {
    const c = await clearance(studentNo(6), 'library');
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('select 1 from clearance where id = $1 for update', [c.id]); // another transaction holds the row
    const answer = await post(tapOn('ou_library', { a: 'pass', c: c.id, v: c.version }));
    // answered by the budget's timer, not by the stuck work (the machine's speed decides only how late the timer fires)
    expect(TAP_BUDGET_MS).toBeLessThan(3000);
    expect(answer.json.toast.content).toBe('正在处理，卡片稍后更新');
    await blocker.query('rollback');
    await blocker.end();
    await expect.poll(() => fake.cardUpdates.length, { timeout: 15_000 }).toBe(1);
    expect(fake.cardUpdates[0]!.token).toBe('c-late');
    expect((await clearance(studentNo(6), 'library')).status).toBe('passed');
  });
});

describe('the worker dies between send and done', () => {
  it('the retried send is deduped at Feishu by its uuid: one message', async () => {
    await drain(); // earlier tests' notices go out first
    let crashes = 0;
    const dying: CardSender = async (job) => {
      await feishu.sender(job);
      if (job.to === 'ou_stu7' && crashes++ === 0) throw new Error('worker killed after the send'); // the job is not marked done
    };
    const before = fake.messages.filter((m) => m.receive_id === 'ou_stu7').length;
    await post(message('ou_stu7', '进度', 'om_crash'));
    await drain(dying);
    await db.sql('update graphile_worker._private_jobs set run_at = now()');
    await drain(dying);
    expect(crashes).toBe(2); // sent, crashed, sent again
    expect(fake.messages.filter((m) => m.receive_id === 'ou_stu7').length - before).toBe(1);
  });
});
