// The Feishu approval center end to end: setup by CLI, instances and tasks pushed to a fake approval API, decisions
// from cards and from the approval app, the quick-approval callback's checks, and reconciliation.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../support/db.ts';
import { seedSeason, STAFF_CSV, studentNo } from '../support/season.ts';
import type { FakeFeishu } from '../support/fake-feishu.ts';
import { startFeishuService, type FeishuService } from '../support/feishu-service.ts';
import { feishuEncrypt, feishuEvent, feishuRequest } from '../support/feishu-sign.ts';
import { handlerDeps } from '../../bot/server.ts';
import type { Feishu } from '../../bot/feishu/index.ts';
import { notifyListener } from '../../bot/delivery/notify.ts';
import { parseLossless } from '../../bot/feishu/approval/callback.ts';
import { runQueueOnce, taskList, workerLogger } from '../../src/queue/worker.ts';
import { importStaff } from '../../src/imports/staff.ts';
import { decide } from '../../src/decisions/decide.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { runJob } from '../../handlers/jobs/run-job.ts';
import { approvalReconcileJob } from '../../handlers/jobs/approval-reconcile.ts';
import { enqueuePushes, studentsToPush } from '../../src/approval/jobs.ts';

const KEY = 'feishu-encrypt-key-for-tests';
const APPROVAL = {
  FEISHU_APPROVAL: 'on',
  FEISHU_APPROVAL_TOKEN: 'approval-callback-token-0123456789abcdef',
  FEISHU_APPROVAL_KEY: 'approval-callback-key-for-tests',
};
let db: TestDb;
let fake: FakeFeishu;
let feishu: Feishu;
let service: FeishuService;
let url: string;
let season: string;
const log = createLogger('silent');

function lixiao(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'node',
      ['bin/lixiao.js', ...args],
      {
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          LOG_LEVEL: 'warn',
          FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718',
          FEISHU_APP_SECRET: 'fake-secret',
          FEISHU_ENCRYPT_KEY: KEY,
          FEISHU_BASE_URL: fake.url,
          ...APPROVAL,
        },
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Runs queued jobs until none is left; debounced pushes are made due first (as if their few seconds had passed). */
async function drain() {
  const hd = handlerDeps({ orm: db.orm, wf: db.wf, config: loadConfig({}), log });
  const tasks = taskList(
    [notifyListener(hd, ['feishu'], 0), ...feishu.listeners, feishu.approval!.listener],
    { feishu: feishu.sender },
    feishu.approval!.tasks,
  );
  for (let i = 0; i < 6; i++) {
    await db.sql(`update graphile_worker._private_jobs set run_at = now() where key like 'approval:%'`);
    await runQueueOnce({ connectionString: db.url, taskList: tasks, logger: workerLogger(log) });
  }
}

const webhook = async (payload: object) => {
  const r = feishuRequest(payload, KEY);
  return fetch(`${url}/feishu/webhook`, { method: 'POST', headers: r.headers, body: new Uint8Array(r.body) });
};
const message = (openId: string, text: string) =>
  feishuEvent('im.message.receive_v1', {
    sender: { sender_id: { open_id: openId }, sender_type: 'user' },
    message: {
      message_id: `om_${Math.random().toString(36).slice(2)}`,
      chat_type: 'p2p',
      message_type: 'text',
      content: JSON.stringify({ text }),
    },
  });

/** The callback as Feishu sends it: JSON text (message_id an unquoted int64), encrypted with the callback key. */
function callbackBody(fields: Record<string, unknown>, opts: { key?: string | null; token?: string } = {}): string {
  const plain = JSON.stringify({ token: opts.token ?? APPROVAL.FEISHU_APPROVAL_TOKEN, ...fields }).replace(
    /"message_id":"(\d+)"/,
    '"message_id":$1',
  );
  const key = opts.key === undefined ? APPROVAL.FEISHU_APPROVAL_KEY : opts.key;
  return key ? JSON.stringify({ encrypt: feishuEncrypt(key, plain) }) : plain;
}
async function callback(body: string) {
  const res = await fetch(`${url}/feishu/approval/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}
const action = (task: any, type: 'APPROVE' | 'REJECT', extra: Record<string, unknown> = {}) => ({
  action_type: type,
  action_context: task.action_context,
  approval_code: 'whatever',
  instance_id: 'x',
  task_id: task.task_id,
  message_id: '7690275278685244603',
  ...extra,
});

const openIdOf = async (wecom: string) => `ou_${wecom}`;
const instanceOf = (no: string) => fake.approval.instances.get(`lixiao-${no}`)!;
const tasksOf = (no: string, step: string) =>
  (instanceOf(no).task_list as any[]).filter((t) => t.node_id === step) as Record<string, any>[];
const statusOf = async (no: string, step: string) =>
  (
    await db.sql<{ status: string; version: number; decided_by_label: string | null }>(
      'select c.status, c.version, c.decided_by_label from clearance c join student s on s.id = c.student_id where s.student_no = $1 and step_key = $2',
      [no, step],
    )
  )[0]!;
const auditCount = async () => Number((await db.sql<{ n: string }>('select count(*) as n from audit_event'))[0]!.n);

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 6);
  await importStaff(db.orm.em.fork(), db.wf, `${STAFF_CSV}\n图书馆员乙,handler,library,*,,library2`, 'staff.csv');
  service = await startFeishuService(db, KEY, APPROVAL);
  ({ fake, feishu, url } = service);
  season = (await db.sql<{ label: string }>('select label from season'))[0]!.label;
});
afterAll(async () => {
  await service.close();
  await db.close();
});

describe('Feishu approval center', () => {
  it('setup creates the definition, keeps the code Feishu returned, and says which permissions the app needs', async () => {
    const first = await lixiao('feishu', 'approval-setup');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const [real] = [...fake.approval.definitions.keys()];
    expect(real).toMatch(/^FAKE-/);
    const def = fake.approval.definitions.get(real!)!;
    expect(def.customCode).toBe('lixiao-graduate-clearance');
    expect(def.body.external.action_callback_url).toMatch(/\/feishu\/approval\/callback$/);
    expect(def.body.i18n_resources.map((r: any) => r.locale)).toEqual(['zh-CN', 'en-US']);
    expect(first.stdout).toContain(`approval_code ${real}`);
    for (const scope of ['approval:external_approval', 'approval:external_instance', 'approval:external_task'])
      expect(first.stdout).toContain(scope);
    // an update is sent with the stored code; Feishu answers another code, and the one sent is kept
    const second = await lixiao('feishu', 'approval-setup');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`approval_code ${real} kept (Feishu answered lixiao-graduate-clearance)`);
    expect(fake.approval.definitions.size).toBe(1);
    expect(await db.sql('select approval_code from approval_definition')).toEqual([{ approval_code: real }]);
  }, 90_000);

  it('a season push creates an instance per student with a task per handler of each open step', async () => {
    const [out, unknown] = await Promise.all([
      lixiao('feishu', 'approval-push', '--season', season),
      lixiao('feishu', 'approval-push', '--season', 'nope'),
    ]);
    expect(out.stdout).toContain(`6 students of season ${season} queued`);
    expect(unknown).toMatchObject({ code: 1, stderr: 'lixiao: no season "nope"\n' });
    await drain();
    expect(fake.approval.instances.size).toBe(6);
    const no = studentNo(0); // 计算机学院, A区
    const inst = instanceOf(no);
    expect(inst.status).toBe('PENDING');
    expect(inst.approval_code).toBe([...fake.approval.definitions.keys()][0]);
    expect(inst.open_id).toBe('ou_stu0');
    // both librarians hold the library step: one task each; 研工办 waits for the others, so it has none yet
    expect(
      tasksOf(no, 'library')
        .map((t) => t.open_id)
        .sort(),
    ).toEqual(['ou_library', 'ou_library2']);
    expect(tasksOf(no, 'grad_office')).toEqual([]);
    // 一卡通's own system reports through the API: its staff get no tasks
    expect(tasksOf(no, 'campus_card')).toEqual([]);
    expect(tasksOf(no, 'dormitory').map((t) => t.open_id)).toEqual([await openIdOf('dorm-a')]);
    const all = inst.task_list as any[];
    expect(all.every((t) => t.status === 'PENDING' && t.end_time === '0')).toBe(true);
    expect(new Set(all.map((t) => t.task_id)).size).toBe(all.length);
    expect(all[0].action_configs).toContainEqual({
      action_type: 'REJECT',
      is_need_reason: true,
      is_reason_required: true,
    });
    // the link opens the student's status page; a forged one does not
    const path = new URL(inst.links.pc_link).pathname;
    const page = await fetch(`${url}${path}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('x-frame-options')).toBeNull();
    expect(await page.text()).toContain('学生0');
    expect((await fetch(`${url}${path.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}`)).status).toBe(404);
    // pushing again sends the same snapshot
    const before = JSON.stringify(inst);
    const em = db.orm.em.fork();
    await enqueuePushes(em, await studentsToPush(em, season), 0);
    await drain();
    expect(JSON.stringify(instanceOf(no))).toBe(before);
  }, 90_000);

  it('a card tap closes the step’s tasks: the tapper’s APPROVED, the other handler’s DONE, after a debounce', async () => {
    await webhook(message('ou_library', '待办'));
    await drain();
    const card = fake.messages.filter((m) => m.receive_id === 'ou_library').at(-1)!;
    const pass = JSON.stringify(card.content).match(/"value":\{[^}]*"a":"pass"[^}]*\}/)![0];
    const value = JSON.parse(`{${pass}}`).value;
    const no = (
      await db.sql<{ student_no: string }>(
        'select s.student_no from clearance c join student s on s.id = c.student_id where c.id = $1',
        [Number(value.c)],
      )
    )[0]!.student_no;
    const tap = feishuEvent('card.action.trigger', {
      operator: { open_id: 'ou_library' },
      token: 'c-token-1',
      action: { tag: 'button', value },
      context: { open_message_id: card.message_id },
    });
    expect((await (await webhook(tap)).json()).toast.content).toBe('已通过');
    // the change reaches the approval listener, which schedules the student's push a few seconds out
    await runQueueOnce({
      connectionString: db.url,
      taskList: taskList([feishu.approval!.listener]),
      logger: workerLogger(log),
    });
    const [job] = await db.sql<{ later: boolean }>(
      `select run_at > now() + interval '1 second' as later from graphile_worker._private_jobs where key = (
         select 'approval:' || id from student where student_no = $1)`,
      [no],
    );
    expect(job?.later).toBe(true);
    await drain();
    const byOwner = Object.fromEntries(tasksOf(no, 'library').map((t) => [t.open_id, t]));
    expect(byOwner.ou_library!.status).toBe('APPROVED');
    expect(byOwner.ou_library2!.status).toBe('DONE');
    expect(byOwner.ou_library!.end_time).not.toBe('0');
    expect(tasksOf(no, 'finance')[0]!.status).toBe('PENDING');
    expect(instanceOf(no).status).toBe('PENDING');
  });

  it('同意 in the approval app passes the student and patches the card copies', async () => {
    await webhook(message('ou_finance', '待办'));
    await drain();
    const copy = fake.messages.filter((m) => m.receive_id === 'ou_finance').at(-1)!;
    const no = studentNo(1);
    const task = tasksOf(no, 'finance')[0]!;
    const res = await callback(callbackBody(action(task, 'APPROVE')));
    expect(res).toEqual({ status: 200, json: { code: 0, msg: 'success' } });
    expect(await statusOf(no, 'finance')).toMatchObject({ status: 'passed', decided_by_label: '财务' });
    await drain();
    expect(tasksOf(no, 'finance')[0]!.status).toBe('APPROVED');
    const patch = fake.patches.filter((p) => p.message_id === copy.message_id).at(-1);
    expect(JSON.stringify(patch?.content)).toContain('已通过 · 财务');
  });

  it('a replayed callback changes nothing; another handler’s late action is told who decided', async () => {
    const no = studentNo(1);
    const task = tasksOf(no, 'finance')[0]!;
    const before = await statusOf(no, 'finance');
    const audits = await auditCount();
    const body = callbackBody(action(task, 'APPROVE'));
    const replays = await Promise.all([callback(body), callback(body), callback(body)]);
    expect(replays.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await statusOf(no, 'finance')).toEqual(before);
    expect(await auditCount()).toBe(audits);
    // the other librarian's library task of student 0 was closed by the card tap
    const other = tasksOf(studentNo(0), 'library').find((t) => t.open_id === 'ou_library2')!;
    const late = await callback(callbackBody(action(other, 'APPROVE')));
    expect(late.status).toBe(409);
    expect(late.json.message).toMatch(/^已由 图书馆员 于 \d{4}-\d\d-\d\d \d\d:\d\d 通过，无需再处理$/);
    expect(await auditCount()).toBe(audits);
  });

  it('拒绝 without a reason is refused; with one, the student is returned and the task REJECTED', async () => {
    const no = studentNo(2);
    const task = tasksOf(no, 'hospital')[0]!;
    const refused = await callback(callbackBody(action(task, 'REJECT', { reason: '  ' })));
    expect(refused).toEqual({ status: 422, json: { message: '拒绝需要填写原因', without_prefix: true } });
    expect((await statusOf(no, 'hospital')).status).toBe('pending');
    const ok = await callback(callbackBody(action(task, 'REJECT', { reason: '体检未完成' })));
    expect(ok.status).toBe(200);
    expect((await statusOf(no, 'hospital')).status).toBe('returned');
    await drain();
    expect(tasksOf(no, 'hospital')[0]!.status).toBe('REJECTED');
    expect(JSON.parse(tasksOf(no, 'hospital')[0]!.extra).complete_reason).toBe('rejected');
  });

  it('refuses a wrong token, an unencrypted body and garbage, changing nothing', async () => {
    const task = tasksOf(studentNo(3), 'hospital')[0]!;
    const audits = await auditCount();
    expect((await callback(callbackBody(action(task, 'APPROVE'), { token: 'x'.repeat(40) }))).status).toBe(401);
    expect((await callback(callbackBody(action(task, 'APPROVE'), { key: 'another-key' }))).status).toBe(401);
    expect((await callback(callbackBody(action(task, 'APPROVE'), { key: null }))).status).toBe(401);
    expect((await callback('{"encrypt": 12')).status).toBe(400);
    expect((await statusOf(studentNo(3), 'hospital')).status).toBe('pending');
    expect(await auditCount()).toBe(audits);
  });

  it('parses the int64 message_id without losing digits', () => {
    expect(parseLossless('{"message_id":7690275278685244603,"n":5}')).toEqual({
      message_id: '7690275278685244603',
      n: 5,
    });
    expect(String(JSON.parse('{"m":7690275278685244603}').m)).not.toBe('7690275278685244603');
  });

  it('研工办’s 同意 in the approval app approves the instance', async () => {
    const no = studentNo(4);
    const em = db.orm.em.fork();
    for (const step of db.wf.steps.filter((s) => s.key !== 'grad_office'))
      await decide(em, db.wf, {
        actor: { kind: 'admin', label: '管理员' },
        stepKey: step.key,
        decision: 'pass',
        source: 'admin',
        items: [{ studentNo: no }],
      });
    await drain();
    // decided by an administrator: every task of those steps is DONE; 研工办's task now exists
    expect(tasksOf(no, 'library').map((t) => t.status)).toEqual(['DONE', 'DONE']);
    const final = tasksOf(no, 'grad_office');
    expect(final.map((t) => [t.open_id, t.status])).toEqual([['ou_office', 'PENDING']]);
    expect((await callback(callbackBody(action(final[0], 'APPROVE')))).status).toBe(200);
    await drain();
    expect(instanceOf(no).status).toBe('APPROVED');
    expect(instanceOf(no).end_time).not.toBe('0');
    expect(tasksOf(no, 'grad_office')[0]!.status).toBe('APPROVED');
  });

  it('reconciliation finds the task Feishu lost and pushes that instance again, and only that one', async () => {
    const no = studentNo(5);
    const lost = tasksOf(no, 'loan')[0]!;
    fake.approval.loseTask(`lixiao-${no}`, lost.task_id);
    expect(tasksOf(no, 'loan')).toEqual([]);
    const syncs = fake.approval.syncs.length;
    const hd = handlerDeps({ orm: db.orm, wf: db.wf, config: loadConfig({}), log });
    const run = await runJob(
      approvalReconcileJob,
      {
        em: db.orm.em.fork(),
        wf: db.wf,
        timeZone: 'Asia/Shanghai',
        now: new Date(),
        deps: hd,
        settings: { remindDays: [7], nearDays: 3 },
      },
      'test',
    );
    expect(run).toMatchObject({ ran: true, result: { queued: true } });
    await drain();
    expect(fake.approval.checks.at(-1)!.instances).toHaveLength(6);
    expect(fake.approval.syncs.slice(syncs).map((s) => s.instance_id)).toEqual([`lixiao-${no}`]);
    expect(tasksOf(no, 'loan')).toEqual([lost]);
  });
});
