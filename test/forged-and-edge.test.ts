// Forged card values, other offices' data, stale previews, re-opened gates and duplicate rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import { onMessage, onTap, type Caps, type Deps, type Who } from '../handlers/index.ts';
import { NO_SUCH_ROW } from '../handlers/actions/tap.ts';
import { decide } from '../src/decisions/decide.ts';
import { importList, ListError } from '../src/imports/lists.ts';
import type { Block } from '../cards/index.ts';

let db: TestDb;
let deps: Deps;
const CAPS: Caps = { layout: 'buttons' };
const who = (userId: string): Who => ({ platform: 'wecom', userId });
const em = () => db.orm.em.fork();
const admin = { kind: 'admin' as const, label: 't' };
const clearance = async (no: string, step: string) =>
  (
    await db.sql<{ id: number; version: number; status: string }>(
      'select c.id, c.version, c.status from clearance c join student s on s.id = c.student_id where s.student_no = $1 and step_key = $2',
      [no, step],
    )
  )[0]!;
const passAll = async (no: string, except: string[] = []) => {
  for (const s of db.wf.steps.filter((x) => !except.includes(x.key)))
    await decide(em(), db.wf, {
      actor: admin,
      stepKey: s.key,
      decision: 'pass',
      source: 'admin',
      items: [{ studentNo: no }],
    });
};

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 45);
  deps = { orm: db.orm, wf: db.wf, timeZone: 'Asia/Shanghai', publicUrl: 'http://lixiao.test' };
  await importList(em(), db.wf, {
    step: 'finance',
    mode: 'block',
    text: `student_no,reason,amount\n${studentNo(40)},学费欠费,4500\n`,
    file: 'arrears.csv',
    actorLabel: 't',
  });
});
afterAll(() => db.close());

describe('forged card values', () => {
  it('a student tapping a forged 通过 learns nothing and changes nothing', async () => {
    const c = await clearance(studentNo(40), 'finance');
    const r = await onTap(deps, { who: who('stu1'), value: { a: 'pass', c: c.id, v: c.version } }, CAPS);
    expect(JSON.stringify(r.card)).not.toContain(studentNo(40));
    expect(JSON.stringify(r.card)).not.toContain('4500');
    expect((await clearance(studentNo(40), 'finance')).status).toBe('pending');
  });

  it('a tap on a row that no longer exists (a purged season, a made-up id) is told so, not congratulated', async () => {
    const before = await db.sql('select count(*) from audit_event');
    const r = await onTap(deps, { who: who('library'), value: { a: 'pass', c: 9_999_999, v: 1 } }, CAPS);
    expect(r.toast).toEqual({ tone: 'red', text: NO_SUCH_ROW });
    const list = await onTap(
      deps,
      { who: who('library'), value: { a: 'confirm_list', refs: '9999998.1,9999999.1' } },
      CAPS,
    );
    expect(list.toast).toEqual({ tone: 'red', text: NO_SUCH_ROW });
    expect(await db.sql('select count(*) from audit_event')).toEqual(before);
  });

  it('staff forging ids outside their scope see none of those students', async () => {
    const other = await clearance(studentNo(41), 'academic_secretary'); // 机械学院: not 秘书甲's
    const r = await onTap(
      deps,
      { who: who('sec-cs'), value: { a: 'pass_page', ids: `${other.id}.${other.version}` } },
      CAPS,
    );
    expect(JSON.stringify(r.card)).not.toContain(studentNo(41));
    expect(r.toast!.tone).toBe('red');
    expect((await clearance(studentNo(41), 'academic_secretary')).status).toBe('pending');
  });
});

describe('what staff see of a student', () => {
  it('another office sees neither the arrears amount nor the student’s form link', async () => {
    const [card] = await onMessage(deps, { who: who('library'), text: `查 ${studentNo(40)}` }, CAPS);
    const text = JSON.stringify(card);
    expect(text).not.toContain('4500');
    expect(text).not.toContain('学费欠费');
    expect(card!.blocks.some((b) => b.kind === 'link')).toBe(false);
    const [finance] = await onMessage(deps, { who: who('finance'), text: `查 ${studentNo(40)}` }, CAPS);
    expect(JSON.stringify(finance)).toContain('4500');
  });

  it('查 shows the rows to act on even for a student far down the list', async () => {
    const cards = await onMessage(deps, { who: who('hospital'), text: `查 ${studentNo(44)}` }, CAPS);
    expect(cards.map((c) => c.type)).toEqual(['status', 'pending']);
    const rows = cards[1]!.blocks.filter((b): b is Extract<Block, { kind: 'row' }> => b.kind === 'row');
    expect(rows.map((r) => r.title)).toEqual([`${studentNo(44)} 学生44`]);
  });
});

describe('passing a pasted list', () => {
  it('passes the previewed rows only as they were: a return in between is kept', async () => {
    const [preview] = await onMessage(deps, { who: who('loan'), text: `通过 ${studentNo(5)} ${studentNo(6)}` }, CAPS);
    const confirm = (preview!.blocks.find((b) => b.kind === 'actions') as Extract<Block, { kind: 'actions' }>)
      .buttons[0]!;
    await decide(em(), db.wf, {
      actor: admin,
      stepKey: 'loan',
      decision: 'return',
      source: 'admin',
      items: [{ studentNo: studentNo(6), reason: '贷款手续未办' }],
    });
    const done = await onTap(deps, { who: who('loan'), value: confirm.value }, CAPS);
    expect(done.toast!.text).toBe('已通过 1 人');
    expect((await clearance(studentNo(5), 'loan')).status).toBe('passed');
    expect((await clearance(studentNo(6), 'loan')).status).toBe('returned');
  });
});

describe('the final gate stays closed behind a pass', () => {
  it('a required step cannot be revoked or re-held while 研工办 has passed', async () => {
    const no = studentNo(9);
    await passAll(no);
    expect((await clearance(no, 'grad_office')).status).toBe('passed');
    const [r] = await decide(em(), db.wf, {
      actor: admin,
      stepKey: 'library',
      decision: 'revoke',
      source: 'admin',
      items: [{ studentNo: no }],
    });
    expect(r).toMatchObject({ outcome: 'invalid', error: '研究生院研工办已通过：请先撤销研究生院研工办' });
    await decide(em(), db.wf, {
      actor: admin,
      stepKey: 'hospital',
      decision: 'pass',
      source: 'admin',
      items: [{ studentNo: studentNo(12) }],
    });
    const s = await importList(em(), db.wf, {
      step: 'finance',
      mode: 'block',
      text: `student_no,reason\n${no},新欠费\n`,
      file: 'late.csv',
      actorLabel: 't',
    });
    expect(s.kept.map((k) => k.studentNo)).toEqual([no]);
    expect((await clearance(no, 'finance')).status).toBe('passed');
  });

  it('an empty block list is refused instead of passing everyone', async () => {
    await expect(
      importList(em(), db.wf, {
        step: 'hospital',
        mode: 'block',
        text: 'student_no\n',
        file: 'empty.csv',
        actorLabel: 't',
      }),
    ).rejects.toThrow(ListError);
    expect(
      (await db.sql(`select 1 from clearance where step_key = 'hospital' and status = 'passed'`)).length,
    ).toBeLessThan(5);
  });
});

describe('one request, one decision per student', () => {
  it('a student listed twice is decided once; the repeat is an error on its row', async () => {
    const rows = await decide(em(), db.wf, {
      actor: admin,
      stepKey: 'dormitory',
      decision: 'pass',
      source: 'admin',
      items: [{ studentNo: studentNo(20) }, { studentNo: studentNo(20) }],
    });
    expect(rows.map((r) => r.outcome)).toEqual(['applied', 'invalid']);
    // one decision, and the repeat audited as the refused attempt it was
    const audit = await db.sql(
      `select e.outcome from audit_event e join student s on s.id = e.student_id where s.student_no = $1 and e.step_key = 'dormitory' order by e.outcome`,
      [studentNo(20)],
    );
    expect(audit).toEqual([{ outcome: 'applied' }, { outcome: 'invalid' }]);
  });

  it('退回 by chat acts on the one open step', async () => {
    const one = await onMessage(deps, { who: who('library'), text: `退回 ${studentNo(21)} 论文未提交` }, CAPS);
    expect(one[0]!.title).toBe(`退回 ${studentNo(21)} 学生21`);
    expect((await clearance(studentNo(21), 'library')).status).toBe('returned');
  });
});

describe('answering a tap from the card it came from', () => {
  it('keeps the card its size when the tapped row was not on it', async () => {
    const shownIds = (
      await db.sql<{ id: number }>(`select id from clearance where step_key = 'grad_service' order by id limit 5`)
    ).map((r) => r.id);
    const other = await clearance(studentNo(30), 'grad_service');
    const r = await onTap(
      deps,
      {
        who: who('service'),
        value: { a: 'pass', c: other.id, v: other.version },
        shown: { page: 1, clearanceIds: shownIds },
      },
      CAPS,
    );
    expect(r.toast).toEqual({ tone: 'green', text: '已通过' });
    const rows = r.card.blocks.filter((b) => b.kind === 'row');
    expect(rows).toHaveLength(5);
    expect(r.card.shows!.clearanceIds).toEqual(shownIds);
  });
});
