// Stand-ins (代理) deciding: named in chat, seeing the absent person's students, signing "王五（代 图书馆员）" in the
// clearance and the audit, ending by themselves at the end of the last day, cancelled, and refused on bad input.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import { onMessage, onTap, type Caps, type Deps, type Who } from '../handlers/index.ts';
import { importStaff } from '../src/imports/staff.ts';
import { identify } from '../src/people/identify.ts';
import { decide } from '../src/decisions/decide.ts';
import type { Block, Card } from '../cards/index.ts';

let db: TestDb;
let deps: Deps;
let clock = new Date('2026-07-01T02:00:00Z'); // 10:00 in Chongqing
const BUTTONS: Caps = { layout: 'buttons' };
const CHECKLIST: Caps = { layout: 'checklist' };
const wecom = (userId: string): Who => ({ platform: 'wecom', userId });
const say = async (who: Who, text: string, caps = BUTTONS) => (await onMessage(deps, { who, text }, caps))[0]!;
const rows = (c: Card) => c.blocks.filter((b): b is Extract<Block, { kind: 'row' }> => b.kind === 'row');
const text = (c: Card) => c.blocks.map((b) => ('text' in b ? b.text : '')).join('\n');
const personId = async (wecomUserid: string) =>
  (await db.sql<{ id: number }>('select id from person where wecom_userid = $1', [wecomUserid]))[0]!.id;
const consoleOf = async (wecomUserid: string): Promise<Who> => ({
  platform: 'console',
  userId: String(await personId(wecomUserid)),
});
const clearance = async (no: string, step: string) =>
  (
    await db.sql<{ id: number; status: string; decided_by_label: string | null; decided_by_id: number | null }>(
      `select c.id, c.status, c.decided_by_label, c.decided_by_id from clearance c join student s on s.id = c.student_id
        where s.student_no = $1 and c.step_key = $2`,
      [no, step],
    )
  )[0]!;
const first = (c: Card) => (c.blocks[0] as Extract<Block, { kind: 'text' }>).text;
const count = async (table: string) => (await db.sql<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 30);
  // 王五: a colleague with no office of their own; two people named 李明 (a stand-in must be named unambiguously)
  await importStaff(
    db.orm.em.fork(),
    db.wf,
    [
      'name,role,step,college,campus,wecom_userid,email',
      '王五,school_admin,,,,wang5,wang5@example.edu',
      '李明,handler,hospital,*,,liming-a,',
      '李明,handler,hospital,*,,liming-b,',
    ].join('\n'),
    'staff.csv',
  );
  // 王五 holds nothing himself: he is an admin only so that the import keeps him; the assignment is ended
  await db.sql(
    `update assignment set ended_at = now() where person_id = (select id from person where wecom_userid = 'wang5')`,
  );
  deps = {
    orm: db.orm,
    wf: db.wf,
    timeZone: 'Asia/Shanghai',
    publicUrl: 'http://lixiao.test',
    now: () => clock,
    platforms: ['console'],
  };
});
afterAll(() => db.close());

describe('naming a stand-in in chat', () => {
  it('a colleague with no office of their own sees nothing before', async () => {
    expect((await say(wecom('wang5'), '待办')).type).toBe('help');
  });

  it('代理 王五 到 2026-08-31: recorded, audited, and the stand-in is told', async () => {
    const reply = await say(wecom('library'), '代理 wang5@example.edu 到 2026-08-31');
    expect(reply.title).toBe('王五 代理您至 2026-08-31');
    const [d] = await db.sql<{ kind: string; to: string; ends_at: Date; created_by: string }>(
      `select d.kind, p.name as to, d.ends_at, d.created_by from delegation d join person p on p.id = d.to_person_id`,
    );
    // through the end of that day in Chongqing
    expect({ ...d, ends_at: new Date(d!.ends_at).toISOString() }).toEqual({
      kind: 'stand_in',
      to: '王五',
      ends_at: '2026-08-31T16:00:00.000Z',
      created_by: '图书馆员',
    });
    expect(await db.sql(`select actor_label, action from audit_event where action like 'delegation.%'`)).toEqual([
      { actor_label: '图书馆员', action: 'delegation.stand_in' },
    ]);
    expect(first(await say(wecom('library'), '代理'))).toBe('王五 代理您至 2026-08-31。');
    expect(first(await say(wecom('wang5'), '代理'))).toBe('您代理 图书馆员 至 2026-08-31。');
  });

  it('the stand-in sees the absent librarian’s students in 待办 and taps 通过 on the console: signed as standing in', async () => {
    const me = await consoleOf('wang5');
    const card = await say(me, '待办');
    expect(card.type).toBe('pending');
    expect(card.summary).toBe('30 名学生待办理（第 1/2 页）');
    const row = rows(card).find((r) => r.title.startsWith(studentNo(0)))!;
    const reply = await onTap(deps, { who: me, value: row.buttons[0]!.value }, BUTTONS);
    expect(reply.toast).toEqual({ tone: 'green', text: '已通过' });
    const done = rows(reply.card).find((r) => r.title.startsWith(studentNo(0)))!;
    expect(done.result!.text).toMatch(/^已通过 · 王五（代 图书馆员） \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    const c = await clearance(studentNo(0), 'library');
    expect(c).toMatchObject({
      status: 'passed',
      decided_by_label: '王五（代 图书馆员）',
      decided_by_id: await personId('wang5'),
    });
    const [audit] = await db.sql<{ actor_person_id: number; actor_label: string; detail: Record<string, any> }>(
      `select actor_person_id, actor_label, detail from audit_event where action = 'pass' and outcome = 'applied' and student_id =
         (select id from student where student_no = $1)`,
      [studentNo(0)],
    );
    expect(audit!.actor_person_id).toBe(await personId('wang5'));
    expect(audit!.actor_label).toBe('王五（代 图书馆员）');
    expect(audit!.detail.acting_for).toMatchObject({ person_id: await personId('library'), name: '图书馆员' });
    expect(audit!.detail.as_role).toBe('handler');
  });

  it('on WeCom: a checklist tap and a chat 通过 list, both signed as standing in', async () => {
    const todo = await say(wecom('wang5'), '待办', CHECKLIST);
    const box = todo.blocks.find((b) => b.kind === 'checklist') as Extract<Block, { kind: 'checklist' }>;
    const picked = box.options.filter((o) => [studentNo(1), studentNo(2)].some((n) => o.label.includes(n)));
    expect(picked).toHaveLength(2);
    const tapped = await onTap(
      deps,
      { who: wecom('wang5'), value: box.submit.value, selected: picked.map((o) => o.id) },
      CHECKLIST,
    );
    expect(tapped.toast!.text).toBe('已通过 2 / 2 人');
    const preview = await say(wecom('wang5'), `通过 ${studentNo(3)} ${studentNo(4)}`, CHECKLIST);
    expect(JSON.stringify(preview)).toContain('将通过 2 名学生');
    const confirm = (preview.blocks.find((b) => b.kind === 'actions') as Extract<Block, { kind: 'actions' }>)
      .buttons[0]!;
    const done = await onTap(deps, { who: wecom('wang5'), value: confirm.value }, CHECKLIST);
    expect(done.toast!.text).toBe('已通过 2 人');
    for (const i of [1, 2, 3, 4])
      expect(await clearance(studentNo(i), 'library')).toMatchObject({
        status: 'passed',
        decided_by_label: '王五（代 图书馆员）',
      });
    const labels = await db.sql<{ actor_label: string; source: string; n: number }>(
      `select actor_label, detail->>'source' as source, count(*)::int as n from audit_event
        where action = 'pass' and outcome = 'applied' and step_key = 'library' group by 1, 2 order by 2`,
    );
    expect(labels).toEqual([{ actor_label: '王五（代 图书馆员）', source: 'card', n: 5 }]);
  });

  it('the stand-in may undo their own decision; the absent librarian still decides as themselves', async () => {
    const undone = await say(wecom('wang5'), `撤销 ${studentNo(4)}`);
    expect(JSON.stringify(undone)).toContain('已撤销');
    expect((await clearance(studentNo(4), 'library')).status).toBe('pending');
    const [card] = await onMessage(deps, { who: wecom('library'), text: '待办' }, BUTTONS);
    const row = rows(card!).find((r) => r.title.startsWith(studentNo(5)))!;
    await onTap(deps, { who: wecom('library'), value: row.buttons[0]!.value }, BUTTONS);
    expect((await clearance(studentNo(5), 'library')).decided_by_label).toBe('图书馆员');
  });

  it('a stand-in who holds an office signs their own rows with their own name, the covered ones as standing in', async () => {
    expect((await say(wecom('hospital'), '代理 finance 到 2026-07-02')).title).toBe('财务 代理您至 2026-07-02');
    const preview = await say(wecom('finance'), `通过 ${studentNo(6)}`);
    expect(JSON.stringify(preview)).toContain('将通过 2 名学生'); // the number's 财务处 and 校医院 rows
    const confirm = (preview.blocks.find((b) => b.kind === 'actions') as Extract<Block, { kind: 'actions' }>)
      .buttons[0]!;
    await onTap(deps, { who: wecom('finance'), value: confirm.value }, BUTTONS);
    expect((await clearance(studentNo(6), 'finance')).decided_by_label).toBe('财务');
    expect((await clearance(studentNo(6), 'hospital')).decided_by_label).toBe('财务（代 校医院）');
  });
});

describe('the end of a stand-in', () => {
  it('lasts through the last day in Chongqing and ends by itself at midnight', async () => {
    clock = new Date('2026-07-02T15:59:00Z'); // 23:59 on 2 July in Chongqing
    expect(JSON.stringify(await say(wecom('finance'), `通过 ${studentNo(7)}`))).toContain('将通过 2 名学生');
    // a card shown before midnight, tapped after it
    const card = await say(wecom('finance'), '待办');
    const hospital = (await clearance(studentNo(8), 'hospital')).id;
    const hospitalRow = rows(card).find((r) => r.buttons[0]!.value.c === hospital);
    expect(hospitalRow).toBeDefined();
    clock = new Date('2026-07-02T16:00:00Z'); // 00:00 on 3 July
    const late = await onTap(deps, { who: wecom('finance'), value: hospitalRow!.buttons[0]!.value }, BUTTONS);
    expect(late.toast!.tone).toBe('red');
    expect((await clearance(studentNo(8), 'hospital')).status).toBe('pending');
    expect(JSON.stringify(await say(wecom('finance'), `通过 ${studentNo(8)}`))).toContain('将通过 1 名学生');
    expect(first(await say(wecom('hospital'), '代理'))).toBe('您现在没有代理，也没有代理别人。');
  });

  it('取消代理 ends it at once: the stand-in sees nothing more and a tap changes nothing; audited', async () => {
    const me = await consoleOf('wang5');
    const card = await say(me, '待办');
    const row = rows(card).find((r) => r.title.startsWith(studentNo(9)))!;
    const reply = await say(wecom('library'), '取消代理');
    expect(reply.title).toBe('已取消代理');
    expect((await say(me, '待办')).type).toBe('help');
    const tap = await onTap(deps, { who: me, value: row.buttons[0]!.value }, BUTTONS);
    expect(tap.toast!.tone).toBe('red');
    expect((await clearance(studentNo(9), 'library')).status).toBe('pending');
    const ended = await db.sql<{ actor_label: string }>(
      `select actor_label from audit_event where action = 'delegation.stand_in.end'`,
    );
    expect(ended).toEqual([{ actor_label: '图书馆员' }]);
    expect((await say(wecom('library'), '取消代理')).title).toBe('没有代理');
  });
});

describe('bad input changes nothing', () => {
  it('an unknown or ambiguous person, oneself, a past, impossible or far date, a student, a missing date', async () => {
    clock = new Date('2026-07-10T02:00:00Z');
    const before = { delegations: await count('delegation'), audit: await count('audit_event') };
    const attempts: [string, string, RegExp][] = [
      ['library', '代理 张无忌 到 2026-08-31', /找不到“张无忌”/],
      ['library', '代理 李明 到 2026-08-31', /“李明”有 2 位：李明（liming-a）、李明（liming-b）/],
      ['library', '代理 library 到 2026-08-31', /不能指定自己/],
      ['library', '代理 wang5 到 2026-07-09', /2026-07-09 已经过去/],
      ['library', '代理 wang5 到 2026-02-30', /“2026-02-30”不是日期/],
      ['library', '代理 wang5 到 2062-08-31', /超过一年/],
      ['library', '代理 stu3 到 2026-08-31', /找不到“stu3”/],
      ['library', '代理 wang5', /请发送“代理 姓名或工号 到 2026-08-31”/],
      ['library', '休假 wang5 到 2026-08-31', /请发送/],
    ];
    for (const [who, words, error] of attempts) {
      const reply = await say(wecom(who), words);
      expect(reply.type, words).toBe('error');
      expect(text(reply), words).toMatch(error);
    }
    // someone without an office of their own cannot pass work on, nor a student
    expect((await say(wecom('wang5'), '代理 library 到 2026-08-31')).type).toBe('help');
    expect((await say(wecom('stu1'), '代理 library 到 2026-08-31')).type).toBe('help');
    expect({ delegations: await count('delegation'), audit: await count('audit_event') }).toEqual(before);
  });

  it('“到 today” is through the end of today', async () => {
    expect((await say(wecom('library'), '代理 liming-a 到 2026-07-10')).title).toBe('李明 代理您至 2026-07-10');
    expect((await say(wecom('library'), '取消代理')).title).toBe('已取消代理');
  });
});

describe('the hot path', () => {
  /** The statements `work` sends to PostgreSQL (every one goes through node-postgres' Client.query). */
  const statements = async (work: () => Promise<unknown>) => {
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    try {
      await work();
      return spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }
  };

  it('whom someone stands in for is read in the one select that identifies them, and a decision reads nothing more', async () => {
    clock = new Date('2026-07-20T02:00:00Z');
    expect((await say(wecom('library'), '代理 wang5 到 2026-07-31')).type).toBe('notice');
    const em = () => db.orm.em.fork();
    let standing: Awaited<ReturnType<typeof identify>> = null;
    let nobody: Awaited<ReturnType<typeof identify>> = null;
    expect(await statements(async () => (standing = await identify(em(), 'wecom', 'wang5', undefined, clock)))).toBe(1);
    expect(await statements(async () => (nobody = await identify(em(), 'wecom', 'dorm-a', undefined, clock)))).toBe(1);
    expect(standing!.covers.map((c) => c.name)).toEqual(['图书馆员']);
    expect(nobody!.covers).toEqual([]);
    // with the identity passed along and the row known, the decision is the write alone, standing in or not
    for (const me of [standing!, nobody!]) {
      const step = me === standing ? 'library' : 'dormitory';
      const [row] = await db.sql<{
        id: number;
        version: number;
        student_id: number;
        college_id: number;
        campus: string;
      }>(
        `select c.id, c.version, s.id as student_id, s.college_id, s.campus from clearance c join student s on s.id = c.student_id
          where c.step_key = $1 and c.status = 'pending' and s.campus = 'A区' order by c.id limit 1`,
        [step],
      );
      const known = new Map([
        [
          String(
            (
              await db.sql<{ student_no: string }>('select student_no from student where id = $1', [row!.student_id])
            )[0]!.student_no,
          ),
          {
            clearanceId: row!.id,
            stepKey: step,
            status: 'pending',
            version: row!.version,
            studentId: row!.student_id,
            collegeId: row!.college_id,
            campus: row!.campus,
            decidedBy: null,
            decidedAt: null,
          },
        ],
      ]);
      const n = await statements(async () => {
        const [r] = await decide(em(), db.wf, {
          actor: {
            kind: 'person',
            personId: me.personId,
            name: me.name,
            assignments: me.assignments,
            covers: me.covers,
          },
          stepKey: step,
          decision: 'pass',
          source: 'card',
          items: [...known.keys()].map((studentNo) => ({ studentNo })),
          known,
        });
        expect(r!.decidedBy).toBe(me === standing ? '王五（代 图书馆员）' : '宿管A');
      });
      expect(n).toBe(1);
    }
  });
});
