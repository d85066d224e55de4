// Every role x step x own / other scope, through the card path, the console over HTTP and the integration API: who may act, who may see whom.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo, STAFF_CSV } from './support/season.ts';
import { onMessage, onTap, type Deps } from '../handlers/index.ts';
import { createServer } from '../bot/server.ts';
import { ConsoleInbox } from '../bot/console/inbox.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

let db: TestDb;
let deps: Deps;
let server: Server;
let url: string;
const token = (step: string) => `${step.replace(/_/g, '-')}-token-0123456789abcdef`;
// The staff file read as data: the test's own statement of who holds what, independent of the code under test.
const staff = STAFF_CSV.split('\n')
  .slice(1)
  .map((l) => {
    const [name, role, step, college, campus, id] = l.split(',');
    return {
      name: name!,
      role: role!,
      step: step || null,
      college: college && college !== '*' ? college : null,
      campus: campus || null,
      id: id!,
    };
  });
const actors = [...staff.map((s) => s.id), 'stu3', 'nobody'];
// student 0: 计算机学院, A区; student 1: 机械与运载工程学院, B区 (see test/support/season.ts)
const targets = [
  { no: studentNo(0), college: '计算机学院', campus: 'A区' },
  { no: studentNo(1), college: '机械与运载工程学院', campus: 'B区' },
];
const allowed = (actor: string, step: string, t: (typeof targets)[number]) =>
  staff.some(
    (s) =>
      s.id === actor &&
      (s.role === 'school_admin' ||
        (s.role === 'handler' &&
          s.step === step &&
          (!s.college || s.college === t.college) &&
          (!s.campus || s.campus === t.campus))),
  );
const mayView = (actor: string, t: (typeof targets)[number]) =>
  staff.some(
    (s) =>
      s.id === actor &&
      (s.role === 'school_admin' ||
        ((!s.college || s.college === t.college) &&
          (s.role === 'college_admin' || !s.campus || s.campus === t.campus))),
  );

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 10);
  deps = { orm: db.orm, wf: db.wf, timeZone: 'Asia/Shanghai', publicUrl: 'http://x' };
  // The console (on, on loopback) and a token for every step, in one service.
  const config = loadConfig({
    DATABASE_URL: db.url,
    LIXIAO_API_TOKENS: db.wf.steps.map((s) => `${s.key}:${token(s.key)}`).join(','),
  });
  server = createServer({
    orm: db.orm,
    wf: db.wf,
    config,
    log: createLogger('silent'),
    inbox: new ConsoleInbox(),
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await db.close();
});

const clearance = async (no: string, step: string) =>
  (
    await db.sql<{ id: number; version: number; status: string }>(
      'select c.id, c.version, c.status from clearance c join student s on s.id = c.student_id where s.student_no = $1 and step_key = $2',
      [no, step],
    )
  )[0]!;
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, json: await r.json() }));

describe('the authorization matrix on the card path', () => {
  it('each actor may pass exactly the steps and students they hold; every other tap changes nothing', async () => {
    const wrong: string[] = [];
    // (the supervisor step does not apply to these students, who have no supervisor on file: test/supervisor.test.ts)
    for (const step of db.wf.steps.filter((s) => !s.requires.length && s.scope !== 'supervisor').map((s) => s.key))
      for (const t of targets)
        for (const actor of actors) {
          const [c] = await db.sql<{ id: number; version: number; status: string }>(
            'select c.id, c.version, c.status from clearance c join student s on s.id = c.student_id where s.student_no = $1 and step_key = $2',
            [t.no, step],
          );
          const reply = await onTap(
            deps,
            { who: { platform: 'wecom', userId: actor }, value: { a: 'pass', c: c!.id, v: c!.version } },
            { layout: 'buttons' },
          );
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
        const cards = await onMessage(
          deps,
          { who: { platform: 'wecom', userId: actor }, text: `查 ${t.no}` },
          { layout: 'buttons' },
        );
        const saw = cards.some((c) => c.type === 'status');
        if (saw !== mayView(actor, t)) wrong.push(`${actor} 查 ${t.no}: saw=${saw}`);
      }
    expect(wrong).toEqual([]);
  });
});

describe('the same matrix through the console and the integration API', () => {
  // students 3 and 4: 计算机学院 A区 and 机械与运载工程学院 B区, untouched by the card-path matrix
  const fresh = [
    { no: studentNo(3), college: '计算机学院', campus: 'A区' },
    { no: studentNo(4), college: '机械与运载工程学院', campus: 'B区' },
  ];

  it('a console tap acts exactly as the chosen person may; a student or an unknown id changes nothing', async () => {
    const people = new Map(
      (await db.sql<{ id: number; wecom_userid: string }>('select id, wecom_userid from person')).map((p) => [
        p.wecom_userid,
        p.id,
      ]),
    );
    const wrong: string[] = [];
    // (the supervisor step does not apply to these students, who have no supervisor on file: test/supervisor.test.ts)
    for (const step of db.wf.steps.filter((s) => !s.requires.length && s.scope !== 'supervisor').map((s) => s.key))
      for (const t of fresh)
        for (const actor of actors) {
          const c = await clearance(t.no, step);
          const res = await post('/console/api/tap', {
            person: people.get(actor) ?? 999999,
            value: { a: 'pass', c: c.id, v: c.version },
          });
          const after = await clearance(t.no, step);
          const acted = res.json.toast?.tone === 'green' || (c.status === 'passed' && res.json.toast?.tone === 'blue');
          if (res.status !== 200 || acted !== allowed(actor, step, t))
            wrong.push(`${actor} ${step} ${t.no}: ${res.status} acted=${acted}`);
          if (!allowed(actor, step, t) && after.status !== c.status)
            wrong.push(`${actor} ${step} ${t.no}: changed the clearance`);
        }
    expect(wrong).toEqual([]);
  });

  it('an API token decides its own step for any student and no other step; a revoke is refused', async () => {
    const student = studentNo(5);
    const before = await db.sql<{ step_key: string; status: string }>(
      'select c.step_key, c.status from clearance c join student s on s.id = c.student_id where s.student_no = $1 order by c.step_key',
      [student],
    );
    for (const step of db.wf.steps.filter((s) => !s.requires.length && s.scope !== 'supervisor')) {
      const res = await post(
        '/api/v1/decisions',
        { decisions: [{ student_no: student, decision: 'return', reason: '核对' }] },
        { authorization: `Bearer ${token(step.key)}` },
      );
      expect([res.status, res.json.step, res.json.results[0].outcome]).toEqual([200, step.key, 'applied']);
      const revoke = await post(
        '/api/v1/decisions',
        { decisions: [{ student_no: student, decision: 'revoke' }] },
        { authorization: `Bearer ${token(step.key)}` },
      );
      expect(revoke.status).toBe(400);
    }
    const after = await db.sql<{ step_key: string; status: string }>(
      'select c.step_key, c.status from clearance c join student s on s.id = c.student_id where s.student_no = $1 order by c.step_key',
      [student],
    );
    // Every ungated step the student had open is now returned (each by its own token); the gated one is untouched.
    const gated = new Set(db.wf.steps.filter((s) => s.requires.length).map((s) => s.key));
    expect(after).toEqual(
      before.map((b) => ({
        step_key: b.step_key,
        status: gated.has(b.step_key) || b.status !== 'pending' ? b.status : 'returned',
      })),
    );
  });
});
