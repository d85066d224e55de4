// Every role x step x own / other scope, through the card path a platform uses: who may act, and who may see whom.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo, STAFF_CSV } from './support/season.ts';
import { onMessage, onTap, type Deps } from '../handlers/index.ts';

let db: TestDb;
let deps: Deps;
// The staff file read as data: the test's own statement of who holds what, independent of the code under test.
const staff = STAFF_CSV.split('\n').slice(1).map((l) => {
  const [name, role, step, college, campus, id] = l.split(',');
  return { name: name!, role: role!, step: step || null, college: college && college !== '*' ? college : null, campus: campus || null, id: id! };
});
const actors = [...staff.map((s) => s.id), 'stu3', 'nobody'];
// student 0: 计算机学院, A区; student 1: 机械与运载工程学院, B区 (see test/support/season.ts)
const targets = [
  { no: studentNo(0), college: '计算机学院', campus: 'A区' },
  { no: studentNo(1), college: '机械与运载工程学院', campus: 'B区' },
];
const allowed = (actor: string, step: string, t: (typeof targets)[number]) =>
  staff.some(
    (s) => s.id === actor && (s.role === 'school_admin' || (s.role === 'handler' && s.step === step && (!s.college || s.college === t.college) && (!s.campus || s.campus === t.campus))),
  );
const mayView = (actor: string, t: (typeof targets)[number]) =>
  staff.some((s) => s.id === actor && (s.role === 'school_admin' || ((!s.college || s.college === t.college) && (s.role === 'college_admin' || !s.campus || s.campus === t.campus))));

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 10);
  deps = { orm: db.orm, wf: db.wf, timeZone: 'Asia/Shanghai', publicUrl: 'http://x' };
});
afterAll(() => db.close());

describe('the authorization matrix on the card path', () => {
  it('each actor may pass exactly the steps and students they hold; every other tap changes nothing', async () => {
    const wrong: string[] = [];
    for (const step of db.wf.steps.filter((s) => !s.requires.length).map((s) => s.key))
      for (const t of targets)
        for (const actor of actors) {
          const [c] = await db.sql<{ id: number; version: number; status: string }>(
            'select c.id, c.version, c.status from clearance c join student s on s.id = c.student_id where s.student_no = $1 and step_key = $2',
            [t.no, step],
          );
          const reply = await onTap(deps, { who: { platform: 'wecom', userId: actor }, value: { a: 'pass', c: c!.id, v: c!.version } }, { layout: 'buttons' });
          const [after] = await db.sql<{ status: string }>('select status from clearance where id = $1', [c!.id]);
          const acted = reply.toast?.tone === 'green' || (c!.status === 'passed' && reply.toast?.tone === 'blue');
          const expect = allowed(actor, step, t);
          if (acted !== expect) wrong.push(`${actor} ${step} ${t.no}: acted=${acted} expected=${expect}`);
          if (!expect && after!.status !== c!.status) wrong.push(`${actor} ${step} ${t.no}: changed the clearance`);
        }
    expect(wrong).toEqual([]);
  });

  it('查 shows a student only to staff whose scope covers them, and never to students or strangers', async () => {
    const wrong: string[] = [];
    for (const t of targets)
      for (const actor of actors) {
        const cards = await onMessage(deps, { who: { platform: 'wecom', userId: actor }, text: `查 ${t.no}` }, { layout: 'buttons' });
        const saw = cards.some((c) => c.type === 'status');
        if (saw !== mayView(actor, t)) wrong.push(`${actor} 查 ${t.no}: saw=${saw}`);
      }
    expect(wrong).toEqual([]);
  });
});
