// The supervisor (导师) confirms in chat: their students on one card, 同意离校 / 暂不同意, authorisation, and what the
// academic secretary and the student see of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSupervisedSeason, studentNo } from './support/season.ts';
import { onMessage, onTap, noticesFor, type Caps, type Deps, type Who } from '../handlers/index.ts';
import type { Block, Card } from '../cards/index.ts';
import { decide } from '../src/decisions/decide.ts';
import { endDelegations, grantDelegation } from '../src/delegations/delegations.ts';
import { nudgeHandler, nudgeJob } from '../handlers/jobs/nudges.ts';

let db: TestDb;
let deps: Deps;
const CAPS: Caps = { layout: 'buttons' };
const wecom = (userId: string): Who => ({ platform: 'wecom', userId });
const say = async (who: string, text: string) => onMessage(deps, { who: wecom(who), text }, CAPS);
const tap = (who: string, value: Record<string, unknown>, input?: Record<string, string>) =>
  onTap(deps, { who: wecom(who), value, input }, CAPS);
const rows = (c: Card) => c.blocks.filter((b): b is Extract<Block, { kind: 'row' }> => b.kind === 'row');
const clearance = async (no: string, step = 'supervisor') =>
  (
    await db.sql<{ id: number; status: string; decided_by_label: string | null; reason: string | null }>(
      `select c.id, c.status, c.decided_by_label, c.reason from clearance c join student s on s.id = c.student_id
        where s.student_no = $1 and step_key = $2`,
      [no, step],
    )
  )[0]!;

beforeAll(async () => {
  db = await freshDb();
  await seedSupervisedSeason(db, 6);
  deps = { orm: db.orm, wf: db.wf, timeZone: 'Asia/Shanghai', publicUrl: 'http://lixiao.test' };
});
afterAll(() => db.close());

describe('the supervisor step', () => {
  it('is pending for students with a supervisor on file and not applicable for the others', async () => {
    expect((await clearance(studentNo(0))).status).toBe('pending');
    expect((await clearance(studentNo(1))).status).toBe('pending');
    expect((await clearance(studentNo(2))).status).toBe('not_applicable');
    const [li] = await db.sql<{ n: number }>(
      `select count(*)::int as n from student s join person p on p.id = s.supervisor_id where p.staff_no = 'T001'`,
    );
    expect(li!.n).toBe(2);
  });

  it('a supervisor writes 待办 and gets their own students only, with the five items and 同意离校 / 暂不同意', async () => {
    const [card] = await say('sup-li', '待办');
    expect(card!.type).toBe('pending');
    const r = rows(card!);
    expect(r.map((x) => x.title.split(' ')[0])).toEqual([studentNo(0), studentNo(3)]);
    expect(r[0]!.lines.join('\n')).toContain('仪器归还 · 公共设备归还 · 公款归还 · 课题移交 · 涉密资料移交');
    expect(r[0]!.buttons.map((b) => b.label)).toEqual(['同意离校', '暂不同意']);
  });

  it('the academic secretary sees that the supervisor has not confirmed yet', async () => {
    const [card] = await say('sec-cs', '待办');
    const row = rows(card!).find((x) => x.title.startsWith(studentNo(0)))!;
    expect(row.lines.join('\n')).toContain('导师未在线确认：请核对纸质确认书');
    const none = rows(card!).find((x) => x.title.startsWith(studentNo(3 + 3)));
    expect(none?.lines.join('\n') ?? '').not.toContain('导师');
  });

  it("a forged tap from a supervisor on another supervisor's student changes nothing", async () => {
    const other = await clearance(studentNo(1));
    const reply = await tap('sup-li', { a: 'pass', c: other.id, v: 1 });
    expect(reply.toast?.tone).toBe('red');
    expect((await clearance(studentNo(1))).status).toBe('pending');
    const [denied] = await db.sql<{ outcome: string }>(
      `select outcome from audit_event where step_key = 'supervisor' order by id desc limit 1`,
    );
    expect(denied!.outcome).toBe('denied');
  });

  it('暂不同意 needs a reason, and the student is told the reason', async () => {
    const c = await clearance(studentNo(3));
    const none = await tap('sup-li', { a: 'return', c: c.id, v: 1 });
    expect(none.toast?.text).toContain('原因');
    expect((await clearance(studentNo(3))).status).toBe('pending');
    const [msg] = await say('sup-li', `暂不同意 ${studentNo(3)}`);
    expect(msg!.blocks.map((b) => ('text' in b ? b.text : '')).join('')).toContain('需要原因');
    await tap('sup-li', { a: 'return', c: c.id, v: 1 }, { reason: '课题未移交' });
    const after = await clearance(studentNo(3));
    expect(after).toMatchObject({ status: 'returned', decided_by_label: '李老师', reason: '课题未移交' });
    const notices = await noticesFor(deps, [{ clearanceId: c.id, version: 2 }], 'return');
    expect(JSON.stringify(notices[0]!.card)).toContain('课题未移交');
    expect(notices[0]!.card.title).toBe('导师：暂不同意');
  });

  it('confirms two students from one card; the secretary sees who confirmed, the student is told', async () => {
    const [card] = await say('sup-li', '待办');
    const r = rows(card!);
    expect(r).toHaveLength(2);
    const reply = await onTap(
      deps,
      {
        who: wecom('sup-li'),
        value: { a: 'pass_selected' },
        selected: r.map((x) => String(x.buttons[0]!.value.c) + '.' + x.buttons[0]!.value.v),
      },
      CAPS,
    );
    expect(reply.toast?.text).toBe('已同意 2 / 2 人');
    expect((await clearance(studentNo(0))).status).toBe('passed');
    expect((await clearance(studentNo(3))).status).toBe('passed');
    const [sec] = await say('sec-cs', '待办');
    const row = rows(sec!).find((x) => x.title.startsWith(studentNo(0)))!;
    expect(row.lines.join('\n')).toMatch(/导师已在线确认：李老师 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    const c = await clearance(studentNo(0));
    const notices = await noticesFor(deps, [{ clearanceId: c.id, version: 2 }], 'pass');
    expect(notices[0]!.card.title).toBe('导师：已同意离校');
    const [status] = await say('stu0', '进度');
    const step = status!.blocks.find((b) => b.kind === 'step' && b.name === '导师') as Extract<Block, { kind: 'step' }>;
    expect(step.state).toBe('passed');
  });
});

describe('authorisation (授权)', () => {
  it('a supervisor authorises by staff number; the card says so; the authorised person decides, signed for both', async () => {
    const withWecom = { ...deps, platforms: ['wecom' as const] };
    const [ok] = await onMessage(withWecom, { who: wecom('sup-wang'), text: '授权 T100' }, CAPS);
    expect(ok!.title).toBe('已授权 张三');
    // the authorised person is told by the bot
    const told = await db.sql<{ to: string; title: string }>(
      `select payload->>'to' as to, payload->'card'->>'title' as title from graphile_worker._private_jobs
        where key like 'send:wecom:authorised_%'`,
    );
    expect(told).toEqual([{ to: 'zhang', title: '王老师 授权您确认学生离校' }]);
    const [own] = await say('sup-wang', '待办');
    expect(JSON.stringify(own)).toContain('已授权 张三 代为确认');
    const [card] = await say('zhang', '待办');
    const r = rows(card!);
    expect(r.map((x) => x.title.split(' ')[0])).toEqual([studentNo(1)]);
    expect(r[0]!.lines[0]).toContain('导师 王老师');
    const reply = await tap('zhang', r[0]!.buttons[0]!.value);
    expect(reply.toast?.tone).toBe('green');
    expect(await clearance(studentNo(1))).toMatchObject({ status: 'passed', decided_by_label: '张三（受王老师授权）' });
    const [audit] = await db.sql<{ actor_label: string; actor_person_id: number; detail: Record<string, unknown> }>(
      `select actor_label, actor_person_id, detail from audit_event where step_key = 'supervisor' and outcome = 'applied'
        order by id desc limit 1`,
    );
    expect(audit!.actor_label).toBe('张三（受王老师授权）');
    expect(audit!.detail).toMatchObject({ as_role: 'supervisor', acting_for: { name: '王老师' } });
    const granted = await db.sql<{ action: string }>(`select action from audit_event where action like 'delegation.%'`);
    expect(granted.map((g) => g.action)).toEqual(['delegation.authorised']);
  });

  it('取消授权 ends it: the authorised person no longer sees or decides the students', async () => {
    const [ok] = await say('sup-wang', '取消授权');
    expect(ok!.title).toBe('已取消授权');
    const [card] = await say('zhang', '待办');
    expect(card!.type).not.toBe('pending');
    const [again] = await say('sup-wang', '取消授权');
    expect(again!.type).toBe('error');
  });

  it('authorising an unknown person or oneself changes nothing', async () => {
    const [unknown] = await say('sup-wang', '授权 T999');
    expect(unknown!.type).toBe('error');
    const [self] = await say('sup-wang', '授权 T002');
    expect(self!.type).toBe('error');
    const [staff] = await say('library', '授权 T100');
    expect(staff!.type).toBe('error');
    const open = await db.sql(`select 1 from delegation where ended_at is null`);
    expect(open).toHaveLength(0);
  });
});

describe('a supervisor’s stand-in (代理) and the daily nudge', () => {
  it('a stand-in of the supervisor sees and decides their students, signed as standing in', async () => {
    const [li] = await db.sql<{ id: number }>(`select id from person where staff_no = 'T001'`);
    const [zhang] = await db.sql<{ id: number }>(`select id from person where staff_no = 'T100'`);
    // 李老师's student 0 open again (an admin's revoke), then 张三 stands in for 李老师 for a month
    await decide(db.orm.em.fork(), db.wf, {
      actor: { kind: 'admin', label: 'test' },
      stepKey: 'supervisor',
      decision: 'revoke',
      source: 'admin',
      items: [{ studentNo: studentNo(0) }],
    });
    await grantDelegation(db.orm.em.fork(), {
      fromPersonId: li!.id,
      toPersonId: zhang!.id,
      kind: 'stand_in',
      endsAt: new Date(Date.now() + 30 * 86_400_000),
      by: 'admin',
    });
    const [card] = await say('zhang', '待办');
    const r = rows(card!);
    expect(r.map((x) => x.title.split(' ')[0])).toEqual([studentNo(0)]);
    await tap('zhang', r[0]!.buttons[0]!.value);
    expect(await clearance(studentNo(0))).toMatchObject({ status: 'passed', decided_by_label: '张三（代 李老师）' });
  });

  it('the nudge job sends a supervisor with students waiting their list, like a handler', async () => {
    await decide(db.orm.em.fork(), db.wf, {
      actor: { kind: 'admin', label: 'test' },
      stepKey: 'supervisor',
      decision: 'revoke',
      source: 'admin',
      items: [{ studentNo: studentNo(3) }],
    });
    // 李老师 is back: the stand-in ends (while it lasts, the nudge goes to the stand-in)
    const [back] = await db.sql<{ id: number }>(`select id from person where staff_no = 'T001'`);
    await endDelegations(db.orm.em.fork(), { fromPersonId: back!.id, kind: 'stand_in', by: 'admin' });
    const em = db.orm.em.fork() as never;
    const result = await nudgeJob.run({
      em,
      wf: db.wf,
      timeZone: 'Asia/Shanghai',
      now: new Date(),
      slot: '2026-06-18',
      deps,
      settings: { remindDays: [7, 3, 1], nearDays: 3 },
    });
    expect(result).toMatchObject({ nudged: expect.any(Number) });
    const [li] = await db.sql<{ id: number }>(`select id from person where staff_no = 'T001'`);
    // claimed for 李老师 by the job (one list card a day), as for each handler
    const claimed = await db.sql(`select 1 from cron_run where job = $1 and slot = '2026-06-18'`, [`nudge:${li!.id}`]);
    expect(claimed).toHaveLength(1);
    const d = await nudgeHandler(deps, li!.id, '2026-06-19', 'test');
    expect(d).not.toBeNull();
    expect(rows(d!.card as Card).map((x) => x.title.split(' ')[0])).toEqual([studentNo(3)]);
  });
});
