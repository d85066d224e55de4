import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import { onMessage, onTap, noticesFor, type Caps, type Deps, type Who } from '../handlers/index.ts';
import { decide } from '../src/decisions/decide.ts';
import type { Block, Card } from '../cards/index.ts';

let db: TestDb;
let deps: Deps;
const CAPS: Caps = { layout: 'buttons' };
const wecom = (userId: string): Who => ({ platform: 'wecom', userId });
const say = async (who: string, text: string) => onMessage(deps, { who: wecom(who), text }, CAPS);
const rows = (c: Card) => c.blocks.filter((b): b is Extract<Block, { kind: 'row' }> => b.kind === 'row');
const statusOf = async (no: string, step: string) =>
  (
    await db.sql<{ status: string }>(
      'select c.status from clearance c join student s on s.id = c.student_id where s.student_no = $1 and step_key = $2',
      [no, step],
    )
  )[0]!.status;

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 30);
  deps = { orm: db.orm, wf: db.wf, timeZone: 'Asia/Shanghai', publicUrl: 'http://lixiao.test' };
});
afterAll(() => db.close());

describe('who is talking', () => {
  it('an unknown person is told how to get registered, and nothing about anyone', async () => {
    const [card] = await say('nobody', '进度');
    expect(card!.type).toBe('unknown_person');
    const [again] = await say('nobody', `查 ${studentNo(1)}`);
    expect(again!.type).toBe('unknown_person');
  });

  it('a student asking about another student gets help, not the record', async () => {
    const cards = await say('stu0', `查 ${studentNo(1)}`);
    expect(cards.map((c) => c.type)).toEqual(['help']);
    expect(JSON.stringify(cards)).not.toContain('学生1');
  });
});

describe('a student asks 进度', () => {
  it('gets every step in order with office, duties, campus location and phone, and the final gate explained', async () => {
    const [card] = await say('stu0', '进度'); // 计算机学院, A区
    expect(card!.type).toBe('status');
    const steps = card!.blocks.filter((b): b is Extract<Block, { kind: 'step' }> => b.kind === 'step');
    expect(steps.map((s) => s.name)).toEqual(db.wf.steps.map((s) => s.name));
    const dorm = steps.find((s) => s.name === '学生公寓管理中心')!;
    expect(dorm.more).toContain('地点：A区学生六公寓一楼');
    expect(dorm.more).toContain('电话：65111348');
    expect(steps.at(-1)!.more![0]).toMatch(/^需先完成：学院研究生教务秘书、.*一卡通管理中心$/);
    const link = card!.blocks.find((b) => b.kind === 'link') as Extract<Block, { kind: 'link' }>;
    expect(link.url).toMatch(/^http:\/\/lixiao\.test\/forms\/supervisor\/[0-9a-f]{64}$/);
  });
});

describe('a librarian works through 待办', () => {
  it('sees the pending students, 20 a page, with 通过 and 退回', async () => {
    const [card] = await say('library', '待办');
    expect(card!.type).toBe('pending');
    expect(card!.summary).toBe('30 名学生待办理（第 1/2 页）');
    expect(rows(card!)).toHaveLength(20);
    expect(rows(card!)[0]!.buttons.map((b) => b.label)).toEqual(['通过', '退回']);
  });

  it('taps 通过: the student passes and the card shows who passed; a second tap says who already decided', async () => {
    const [card] = await say('library', '待办');
    const row = rows(card!).find((r) => r.title.startsWith(studentNo(0)))!;
    const reply = await onTap(deps, { who: wecom('library'), value: row.buttons[0]!.value }, CAPS);
    expect(reply.toast).toEqual({ tone: 'green', text: '已通过' });
    const done = rows(reply.card).find((r) => r.title.startsWith(studentNo(0)))!;
    expect(done.result!.text).toMatch(/^已通过 · 图书馆员 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(await statusOf(studentNo(0), 'library')).toBe('passed');
    const late = await onTap(deps, { who: wecom('admin-school'), value: row.buttons[0]!.value }, CAPS);
    expect(rows(late.card).find((r) => r.title.startsWith(studentNo(0)))!.result!.text).toMatch(
      /^已由 图书馆员 于 .* 通过$/,
    );
  });

  it('a tap by someone who does not hold the step changes nothing', async () => {
    const [card] = await say('library', '待办');
    const row = rows(card!).find((r) => r.title.startsWith(studentNo(1)))!;
    const forged = await onTap(deps, { who: wecom('finance'), value: row.buttons[0]!.value }, CAPS);
    expect(forged.toast!.tone).toBe('red');
    expect(await statusOf(studentNo(1), 'library')).toBe('pending');
  });

  it('退回 needs a reason, then tells the student', async () => {
    const [card] = await say('library', '待办');
    const row = rows(card!).find((r) => r.title.startsWith(studentNo(1)))!;
    const noReason = await onTap(deps, { who: wecom('library'), value: row.buttons[1]!.value }, CAPS);
    expect(noReason.toast!.text).toBe('退回需要填写原因');
    expect(await statusOf(studentNo(1), 'library')).toBe('pending');
    const r = await onTap(
      deps,
      { who: wecom('library'), value: row.buttons[1]!.value, input: { reason: '有 2 本书未还' } },
      CAPS,
    );
    expect(r.toast!.text).toBe('已退回，学生会收到通知');
    expect(await statusOf(studentNo(1), 'library')).toBe('returned');
    const [status] = await say('stu1', '进度');
    const lib = status!.blocks.find((b) => b.kind === 'step' && b.name === '图书馆') as Extract<
      Block,
      { kind: 'step' }
    >;
    expect(lib.state).toBe('returned');
    expect(lib.lines[0]).toBe('退回原因：有 2 本书未还');
  });

  it('passes a page at once', async () => {
    const [card] = await say('library', '待办');
    const page = card!.blocks.find((b) => b.kind === 'actions') as Extract<Block, { kind: 'actions' }>;
    const all = page.buttons.find((b) => b.label === '本页全部通过')!;
    expect(all.confirm!.text).toMatch(/^确认通过本页 \d+ 名学生？$/);
    const r = await onTap(deps, { who: wecom('library'), value: all.value }, CAPS);
    expect(r.toast!.text).toMatch(/^已通过 \d+ \/ \d+ 人$/);
    expect(
      Number(
        (
          await db.sql<{ n: string }>(
            `select count(*) as n from clearance where step_key = 'library' and status = 'passed'`,
          )
        )[0]!.n,
      ),
    ).toBeGreaterThanOrEqual(20);
  });
});

describe('passing a pasted list', () => {
  it('previews what would change and what cannot, then passes on confirm', async () => {
    const [preview] = await say('sec-cs', `通过 ${studentNo(3)} ${studentNo(6)} ${studentNo(4)} 9999999`); // 4 is 机械学院
    expect(preview!.type).toBe('batch_preview');
    const text = JSON.stringify(preview);
    expect(text).toContain('将通过 2 名学生');
    // not theirs and unknown read alike: nobody learns which numbers exist outside their scope
    expect(text).toContain(`查无此学号或不在您负责的范围 2 个：**"},{"kind":"text","text":"${studentNo(4)}、9999999`);
    expect(await statusOf(studentNo(3), 'academic_secretary')).toBe('pending');
    const confirm = (preview!.blocks.find((b) => b.kind === 'actions') as Extract<Block, { kind: 'actions' }>)
      .buttons[0]!;
    const done = await onTap(deps, { who: wecom('sec-cs'), value: confirm.value }, CAPS);
    expect(done.card.type).toBe('batch_done');
    expect(done.toast!.text).toBe('已通过 2 人');
    expect(await statusOf(studentNo(3), 'academic_secretary')).toBe('passed');
    expect(await statusOf(studentNo(4), 'academic_secretary')).toBe('pending');
  });
});

describe('查 学号 within scope', () => {
  it('shows the student with rows to act on, and the same "not found" outside scope', async () => {
    const cards = await say('dorm-a', `查 ${studentNo(3)}`); // A区
    expect(cards.map((c) => c.type)).toEqual(['status', 'pending']);
    const outside = await say('dorm-a', `查 ${studentNo(4)}`); // B区
    const unknown = await say('dorm-a', '查 9999999');
    expect(outside[0]!.blocks).toEqual([{ kind: 'text', text: `没有找到您负责范围内学号为 ${studentNo(4)} 的学生。` }]);
    expect(unknown[0]!.blocks).toEqual([{ kind: 'text', text: '没有找到您负责范围内学号为 9999999 的学生。' }]);
  });
});

describe('notices', () => {
  it('tell the student of a pass, and the final office once a student is ready', async () => {
    const no = studentNo(9); // 计算机学院, A区
    const before = await db.sql<{ id: number; version: number }>(
      `select c.id, c.version from clearance c join student s on s.id = c.student_id where s.student_no = $1 and step_key <> 'grad_office'`,
      [no],
    );
    const results = [];
    for (const s of db.wf.steps.filter((x) => x.key !== 'grad_office'))
      results.push(
        ...(await decide(db.orm.em.fork(), db.wf, {
          actor: { kind: 'admin', label: 't' },
          stepKey: s.key,
          decision: 'pass',
          source: 'admin',
          items: [{ studentNo: no }],
        })),
      );
    expect(before.length).toBe(10);
    const last = results.at(-1)!;
    const notices = await noticesFor(deps, [{ clearanceId: last.clearanceId!, version: last.version! }]);
    const [officeId] = (await db.sql<{ id: number }>(`select id from person where wecom_userid = 'office'`)).map(
      (r) => r.id,
    );
    expect(notices.map((n) => n.card.title)).toEqual(['一卡通管理中心：已通过', `可以办理：${no} 学生9`]);
    expect(notices[1]!.personId).toBe(officeId);
    const [todo] = await say('office', '待办');
    expect(rows(todo!).map((r) => r.title)).toEqual([`${no} 学生9`]);
    // A stale change (an older version) produces nothing.
    expect(await noticesFor(deps, [{ clearanceId: last.clearanceId!, version: last.version! - 1 }])).toEqual([]);
  });
});

describe('every card the handlers send renders without loss', () => {
  it('on Feishu (buttons) and WeCom (checkboxes), for students and staff', async () => {
    const { renderFeishu } = await import('../cards/render/feishu.ts');
    const { renderWecom } = await import('../cards/render/wecom.ts');
    const { renderHtml } = await import('../cards/render/html.ts');
    const platforms = [
      {
        caps: { layout: 'buttons' } as Caps,
        render: (c: Card) => [...renderFeishu(c).dropped, ...renderHtml(c).dropped],
      },
      {
        caps: { layout: 'checklist' } as Caps,
        render: (c: Card) => renderWecom(c, { taskId: 'task_1', url: 'http://lixiao.test' }).dropped,
      },
    ];
    const conversations: [string, string][] = [
      ['stu2', '进度'],
      ['stu2', '帮助'],
      ['nobody', '进度'],
      ['hospital', '待办'],
      ['hospital', '待办 2'],
      ['hospital', `查 ${studentNo(2)}`],
      ['hospital', `通过 ${studentNo(2)} ${studentNo(5)} 9999999`],
      ['hospital', `退回 ${studentNo(8)} 欠费未结清`],
      ['office', '待办'],
    ];
    for (const p of platforms)
      for (const [who, text] of conversations)
        for (const card of await onMessage(deps, { who: wecom(who), text }, p.caps))
          expect(p.render(card), `${who}: ${text} (${p.caps.layout})`).toEqual([]);
    const [todo] = await onMessage(deps, { who: wecom('hospital'), text: '待办' }, { layout: 'checklist' });
    const box = todo!.blocks.find((b) => b.kind === 'checklist') as Extract<Block, { kind: 'checklist' }>;
    expect(todo!.summary).toContain('发送“待办 2”看下一页');
    const tapped = await onTap(
      deps,
      { who: wecom('hospital'), value: box.submit.value, selected: box.options.slice(0, 3).map((o) => o.id) },
      { layout: 'checklist' },
    );
    expect(tapped.toast!.text).toBe('已通过 3 / 3 人');
    expect(tapped.card.summary).toMatch(/^刚才：3 人已通过。/); // WeCom shows no toast: the card says it
    expect(renderWecom(tapped.card, { taskId: 'task_2', url: 'http://lixiao.test' }).dropped).toEqual([]);
  });
});
