// Staff correcting themselves: 撤销 on a card row and by chat, until 研工办 has passed; returns and lists that say why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, STAFF_CSV, studentNo } from './support/season.ts';
import { onMessage, onTap, noticesFor, type Caps, type Deps, type Who } from '../handlers/index.ts';
import { decide } from '../src/decisions/decide.ts';
import { undoOwn } from '../src/decisions/undo-own.ts';
import { importStaff } from '../src/imports/staff.ts';
import { identify } from '../src/people/identify.ts';
import { renderWecom } from '../cards/render/wecom.ts';
import type { Block, Button, Card } from '../cards/index.ts';

let db: TestDb;
let deps: Deps;
const BUTTONS: Caps = { layout: 'buttons' };
const CHECKLIST: Caps = { layout: 'checklist' };
const wecom = (userId: string): Who => ({ platform: 'wecom', userId });
const say = async (who: string, text: string, caps = BUTTONS) => onMessage(deps, { who: wecom(who), text }, caps);
const tap = (who: string, value: Button['value'], caps = BUTTONS) => onTap(deps, { who: wecom(who), value }, caps);
const rows = (c: Card) => c.blocks.filter((b): b is Extract<Block, { kind: 'row' }> => b.kind === 'row');
const rowOf = (c: Card, no: string) => rows(c).find((r) => r.title.startsWith(no))!;
const textOf = (c: Card) => JSON.stringify(c.blocks);
const clearance = async (no: string, step: string) =>
  (
    await db.sql<{ id: number; status: string; version: number; reason: string | null }>(
      `select c.id, c.status, c.version, c.reason from clearance c join student s on s.id = c.student_id
        where s.student_no = $1 and step_key = $2`,
      [no, step],
    )
  )[0]!;
const passAllBut = async (no: string, except: string[]) => {
  for (const s of db.wf.steps.filter((x) => !except.includes(x.key)))
    await decide(db.orm.em.fork(), db.wf, {
      actor: { kind: 'admin', label: 't' },
      stepKey: s.key,
      decision: 'pass',
      source: 'admin',
      items: [{ studentNo: no }],
    });
};
const personOf = async (userid: string) => (await identify(db.orm.em.fork(), 'wecom', userid))!;

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 12);
  await importStaff(db.orm.em.fork(), db.wf, `${STAFF_CSV}\n图书馆员乙,handler,library,*,,library2`, 'staff.csv');
  deps = { orm: db.orm, wf: db.wf, timeZone: 'Asia/Shanghai', publicUrl: 'http://lixiao.test' };
});
afterAll(() => db.close());

describe('撤销 on the card', () => {
  it('a pass shows 撤销 on its row; tapping it re-opens the step, audited and queued as an undo, and the student is told', async () => {
    const no = studentNo(0);
    const [card] = await say('library', '待办');
    const passed = await tap('library', rowOf(card!, no).buttons[0]!.value);
    const row = rowOf(passed.card, no);
    expect(row.result!.text).toMatch(/^已通过 · 图书馆员 /);
    expect(row.buttons.map((b) => b.label)).toEqual(['撤销']);
    expect((await clearance(no, 'library')).status).toBe('passed');

    const undone = await tap('library', row.buttons[0]!.value);
    expect(undone.toast).toEqual({ tone: 'green', text: '已撤销，学生会收到通知' });
    const now = await clearance(no, 'library');
    expect(now.status).toBe('pending');
    // the row is open again on its new version, with 通过 / 退回
    const again = rowOf(undone.card, no);
    expect(again.result).toBeUndefined();
    expect(again.buttons.map((b) => [b.label, b.value.v])).toEqual([
      ['通过', now.version],
      ['退回', now.version],
    ]);
    const audit = await db.sql<{ action: string; outcome: string; actor_label: string; detail: any }>(
      `select action, outcome, actor_label, detail from audit_event e join student s on s.id = e.student_id
        where s.student_no = $1 and e.step_key = 'library' order by e.id`,
      [no],
    );
    expect(audit.map((a) => [a.action, a.outcome])).toEqual([
      ['pass', 'applied'],
      ['undo', 'applied'],
    ]);
    expect(audit[1]!.detail).toMatchObject({ from: 'passed', to: 'pending', as_role: 'handler', version: now.version });
    const [queued] = await db.sql<{ cause: string }>(
      'select cause from change_outbox where clearance_id = $1 and version = $2',
      [now.id, now.version],
    );
    expect(queued!.cause).toBe('undo');
    const notices = await noticesFor(deps, [{ clearanceId: now.id, version: now.version }], 'undo');
    expect(notices.map((n) => n.card.title)).toEqual(['图书馆：恢复为待办理']);
  });

  it('another handler of the same step cannot undo it, and a stale 撤销 changes nothing', async () => {
    const no = studentNo(1);
    const [, card] = await say('library', `查 ${no}`);
    const passed = await tap('library', rows(card!)[0]!.buttons[0]!.value);
    const undo = rowOf(passed.card, no).buttons[0]!;
    const before = await clearance(no, 'library');
    const theirs = await tap('library2', undo.value);
    expect(theirs.toast!.text).toMatch(/^这是 图书馆员 于 .* 的通过，只有本人可以撤销$/);
    expect(await clearance(no, 'library')).toEqual(before);
    const [denied] = await db.sql<{ actor_label: string; detail: any }>(
      `select actor_label, detail from audit_event where action = 'undo' and outcome = 'denied' order by id desc limit 1`,
    );
    expect(denied).toMatchObject({ actor_label: '图书馆员乙', detail: { why: 'not_own_decision' } });
    // undone and passed again: the first 撤销 (an older version) is stale
    expect((await tap('library', undo.value)).toast!.tone).toBe('green');
    const [, card2] = await say('library', `查 ${no}`);
    await tap('library', rows(card2!)[0]!.buttons[0]!.value);
    const now = await clearance(no, 'library');
    const stale = await tap('library', undo.value);
    expect(stale.toast!.text).toMatch(/卡片已过期，未撤销/);
    expect(await clearance(no, 'library')).toEqual(now);
  });

  it('查 学号 shows a pass of one’s own with 撤销, and nothing of the kind for others’ passes', async () => {
    const no = studentNo(2);
    await say('library', `通过 ${no}`); // preview only
    const [preview] = await say('library', `通过 ${no}`);
    const confirm = (preview!.blocks.find((b) => b.kind === 'actions') as Extract<Block, { kind: 'actions' }>)
      .buttons[0]!;
    await tap('library', confirm.value);
    const [, mine] = await say('library', `查 ${no}`);
    expect(rowOf(mine!, no).buttons.map((b) => b.label)).toEqual(['撤销']);
    const theirs = await say('library2', `查 ${no}`);
    expect(theirs.map((c) => c.type)).toEqual(['status']);
  });
});

describe('撤销 学号 by chat', () => {
  it('undoes one’s own return and the student is told; nothing to undo says so', async () => {
    const no = studentNo(3);
    const [r] = await say('hospital', `退回 ${no} 欠费未结清`);
    expect(r!.tone).toBe('orange');
    expect((await clearance(no, 'hospital')).status).toBe('returned');
    const [undone] = await say('hospital', `撤销 ${no}`);
    expect(undone!.title).toBe(`撤销 ${no} 学生3`);
    expect(undone!.summary).toBe('校医院：已撤销，恢复为待办理，学生会收到通知');
    const now = await clearance(no, 'hospital');
    expect(now).toMatchObject({ status: 'pending', reason: null });
    const [nothing] = await say('hospital', `撤销 ${no}`);
    expect(nothing!.summary).toMatch(/^没有找到您通过或退回过的学号为 \d+ 的学生/);
    const [other] = await say('library', `撤销 ${no}`);
    expect(other!.summary).toMatch(/^没有找到您通过或退回过的/);
    expect(await clearance(no, 'hospital')).toEqual(now);
  });

  it('查 学号 shows 撤销 beside 通过 / 退回 on a return of one’s own, which stays open to pass', async () => {
    const no = studentNo(7);
    await say('hospital', `退回 ${no} 欠费未结清`);
    const [, card] = await say('hospital', `查 ${no}`);
    expect(rowOf(card!, no).buttons.map((b) => b.label)).toEqual(['通过', '退回', '撤销']);
    const undo = rowOf(card!, no).buttons[2]!;
    expect((await tap('hospital', undo.value)).toast!.text).toBe('已撤销，学生会收到通知');
    expect((await clearance(no, 'hospital')).status).toBe('pending');
    const [, after] = await say('hospital', `查 ${no}`);
    expect(rowOf(after!, no).buttons.map((b) => b.label)).toEqual(['通过', '退回']);
  });

  it('is refused once 研工办 has passed the student, and changes nothing', async () => {
    const no = studentNo(4);
    await passAllBut(no, ['library', 'grad_office']);
    await say('library', `通过 ${no}`);
    const [preview] = await say('library', `通过 ${no}`);
    const confirm = (preview!.blocks.find((b) => b.kind === 'actions') as Extract<Block, { kind: 'actions' }>)
      .buttons[0]!;
    await tap('library', confirm.value);
    const [, todo] = await say('office', `查 ${no}`);
    await tap('office', rows(todo!)[0]!.buttons[0]!.value);
    expect((await clearance(no, 'grad_office')).status).toBe('passed');
    const before = await clearance(no, 'library');
    const [refused] = await say('library', `撤销 ${no}`);
    expect(refused!.summary).toBe('图书馆：研究生院研工办已通过，不能再撤销；如确需更改请联系研究生院');
    expect(await clearance(no, 'library')).toEqual(before);
    // 研工办's own pass ends the clearance: no 撤销 on its row, and by chat it is refused too
    const [, officeCard] = await say('office', `查 ${no}`);
    expect(rowOf(officeCard!, no).buttons).toEqual([]);
    const [own] = await say('office', `撤销 ${no}`);
    expect(own!.summary).toMatch(/^研究生院研工办：研究生院研工办已通过，不能再撤销/);
    expect((await clearance(no, 'grad_office')).status).toBe('passed');
  });

  it('racing 研工办’s pass: the undo and the pass never both win', async () => {
    const results: string[] = [];
    for (let i = 5; i < 9; i++) {
      const no = studentNo(i);
      await passAllBut(no, ['library', 'grad_office']);
      const lib = await personOf('library');
      await decide(db.orm.em.fork(), db.wf, {
        actor: { kind: 'person', personId: lib.personId, name: lib.name },
        stepKey: 'library',
        decision: 'pass',
        source: 'card',
        items: [{ studentNo: no }],
      });
      const office = await personOf('office');
      const libRow = await clearance(no, 'library');
      const [u, [p]] = await Promise.all([
        undoOwn(db.orm.em.fork(), db.wf, {
          actor: { personId: lib.personId, name: lib.name, assignments: lib.assignments },
          clearanceId: libRow.id,
        }),
        decide(db.orm.em.fork(), db.wf, {
          actor: { kind: 'person', personId: office.personId, name: office.name },
          stepKey: 'grad_office',
          decision: 'pass',
          source: 'card',
          items: [{ studentNo: no }],
        }),
      ]);
      const lib2 = (await clearance(no, 'library')).status;
      const final = (await clearance(no, 'grad_office')).status;
      expect([u.outcome, p!.outcome]).not.toEqual(['applied', 'applied']);
      expect(u.outcome === 'applied' ? [lib2, final] : [lib2, final]).toEqual(
        u.outcome === 'applied' ? ['pending', 'pending'] : ['passed', 'passed'],
      );
      results.push(u.outcome);
    }
    expect(results.every((r) => r === 'applied' || r === 'final_passed')).toBe(true);
  });
});

describe('退回 that cannot be done says why', () => {
  it('on a student the handler already passed: says so and how to undo it', async () => {
    const no = studentNo(9);
    const [, card] = await say('library', `查 ${no}`);
    await tap('library', rows(card!)[0]!.buttons[0]!.value);
    const [answer] = await say('library', `退回 ${no} 图书未还`);
    expect(textOf(answer!)).toContain(`如需退回，请先发送“撤销 ${no}”撤销这次通过，再发送“退回 ${no} 图书未还”`);
    expect(textOf(answer!)).not.toContain('没有找到');
    expect((await clearance(no, 'library')).status).toBe('passed');
    const [theirs] = await say('library2', `退回 ${no} 图书未还`);
    expect(textOf(theirs!)).toMatch(/图书馆已由 图书馆员 于 .* 通过，只有办理人本人可以撤销/);
  });

  it('without a reason asks for the reason instead of the help card', async () => {
    const no = studentNo(10);
    const [card] = await say('library', `退回 ${no}`);
    expect(card!.type).toBe('error');
    expect(card!.summary).toBe(`退回需要原因，学生会看到它：请发送“退回 ${no} 原因”，例如“退回 ${no} 图书未还”。`);
    expect((await clearance(no, 'library')).status).toBe('pending');
  });
});

describe('研工办’s list preview', () => {
  it('names the students the final gate would refuse with their open steps, leaves them out of the confirm, and the result keeps the unknown numbers', async () => {
    const ready = studentNo(11);
    const held = studentNo(10);
    await passAllBut(ready, ['grad_office']);
    const [preview] = await say('office', `通过 ${ready} ${held} 8888888`);
    const text = textOf(preview!);
    expect(text).toContain(`将通过 1 名学生：**"},{"kind":"text","text":"${ready} 学生11（研究生院研工办）`);
    expect(text).toContain('不能通过，尚有环节未完成 1 人');
    expect(text).toContain(`${held} 学生10（研究生院研工办）需先完成：学院研究生教务秘书、`);
    expect(text).toContain('图书馆、');
    expect(preview!.summary).toBe('将通过 1 人，1 个学号无法处理，1 人尚有环节未完成');
    const confirm = (preview!.blocks.find((b) => b.kind === 'actions') as Extract<Block, { kind: 'actions' }>)
      .buttons[0]!;
    expect(confirm.label).toBe('确认通过 1 人');
    const done = await tap('office', confirm.value);
    expect(done.card.type).toBe('batch_done');
    expect(textOf(done.card)).toContain('查无此学号或不在您负责的范围 1 个：**"},{"kind":"text","text":"8888888');
    expect(textOf(done.card)).toContain(`预览时尚有环节未完成，未办理 1 人：**"},{"kind":"text","text":"${held}`);
    expect((await clearance(ready, 'grad_office')).status).toBe('passed');
    expect((await clearance(held, 'grad_office')).status).toBe('pending');
    // 50 long numbers: the button keeps within WeCom's key and the card says how many there were
    const many = Array.from({ length: 49 }, (_, i) => `X${String(i).padStart(30, '0')}`);
    const [big] = await say('library', `通过 ${studentNo(10)} ${many.join(' ')}`);
    const bigConfirm = (big!.blocks.find((b) => b.kind === 'actions') as Extract<Block, { kind: 'actions' }>)
      .buttons[0]!;
    expect(Buffer.byteLength(JSON.stringify(bigConfirm.value))).toBeLessThanOrEqual(1024);
    expect(renderWecom(big!, { taskId: 't1', url: 'http://x.test' }).dropped).toEqual([]);
    const bigDone = await tap('library', bigConfirm.value);
    expect(textOf(bigDone.card)).toContain('、等 49 个');
  });
});

describe('WeCom (few buttons)', () => {
  it('a one-student card shows 撤销 after 通过, within six buttons, and the checklist says how to undo by chat', async () => {
    const [, card] = await say('dorm-a', `查 ${studentNo(3)}`, CHECKLIST); // A区
    const pass = rows(card!)[0]!.buttons[0]!;
    // as WeCom taps arrive: with the rows the tapped card showed
    const done = await onTap(
      deps,
      { who: wecom('dorm-a'), value: pass.value, shown: { page: 1, clearanceIds: card!.shows!.clearanceIds } },
      CHECKLIST,
    );
    const rendered = renderWecom(done.card, { taskId: 't2', url: 'http://x.test' });
    expect(rendered.dropped).toEqual([]);
    expect((rendered.payload as any).button_list.map((b: any) => b.text)).toContain('撤销 学生3');
    expect((rendered.payload as any).button_list.length).toBeLessThanOrEqual(6);
    const [list] = await say('library', '待办', CHECKLIST);
    const box = list!.blocks.find((b) => b.kind === 'checklist') as Extract<Block, { kind: 'checklist' }>;
    const picked = await onTap(
      deps,
      { who: wecom('library'), value: box.submit.value, selected: box.options.slice(0, 2).map((o) => o.id) },
      CHECKLIST,
    );
    expect(picked.card.summary).toContain('撤销发送“撤销 学号”');
    expect(renderWecom(picked.card, { taskId: 't3', url: 'http://x.test' }).dropped).toEqual([]);
  });
});
