import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import { startServer, type TestServer } from './support/http.ts';

const CARD = 'card-system-token-0123456789abcdef';
const LIB = 'library-system-token-0123456789ab';
let db: TestDb;
let srv: TestServer;
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const statusOf = async (no: string, step: string) =>
  (
    await db.sql<{ status: string }>(
      'select c.status from clearance c join student s on s.id = c.student_id where s.student_no = $1 and step_key = $2',
      [no, step],
    )
  )[0]!.status;
const allClearances = () => db.sql('select id, status, version from clearance order by id');

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 20);
  srv = await startServer(db, { LIXIAO_API_TOKENS: `campus_card:${CARD},library:${LIB}` });
});
afterAll(async () => {
  await srv.close();
  await db.close();
});

describe('POST /api/v1/decisions', () => {
  it('applies its own step with a result per row; an unknown student is an error on its row only', async () => {
    const res = await srv.post(
      '/api/v1/decisions',
      {
        decisions: [
          { student_no: studentNo(0), decision: 'pass' },
          { student_no: '0000000', decision: 'pass' },
          { student_no: studentNo(1), decision: 'return', reason: '余额未结清' },
        ],
      },
      bearer(CARD),
    );
    expect(res.status).toBe(200);
    expect(res.json.step).toBe('campus_card');
    expect(res.json.applied).toBe(2);
    expect(res.json.results.map((r: { outcome: string }) => r.outcome)).toEqual([
      'applied',
      'unknown_student',
      'applied',
    ]);
    expect(res.json.results[0]).toMatchObject({
      student_no: studentNo(0),
      status: 'passed',
      decided_by: '一卡通管理中心（系统对接）',
    });
    expect(await statusOf(studentNo(0), 'campus_card')).toBe('passed');
    expect(await statusOf(studentNo(1), 'campus_card')).toBe('returned');
    const [audit] = await db.sql<{ source: string; platform: string }>(
      `select detail->>'source' as source, detail->>'platform' as platform from audit_event where step_key = 'campus_card' and outcome = 'applied' limit 1`,
    );
    expect(audit).toEqual({ source: 'api', platform: 'api' });
  });

  it('a token acts only on its own step', async () => {
    const res = await srv.post(
      '/api/v1/decisions',
      { step: 'campus_card', decisions: [{ student_no: studentNo(2), decision: 'pass' }] },
      bearer(LIB),
    );
    expect(res.status).toBe(403);
    expect(res.json.error).toBe('this token decides library, not campus_card');
    expect(await statusOf(studentNo(2), 'campus_card')).toBe('pending');
    const lib = await srv.post(
      '/api/v1/decisions',
      { decisions: [{ student_no: studentNo(2), decision: 'pass' }] },
      bearer(LIB),
    );
    expect(lib.json.step).toBe('library');
    expect(await statusOf(studentNo(2), 'library')).toBe('passed');
    expect(await statusOf(studentNo(2), 'campus_card')).toBe('pending');
  });

  it('rejects missing and unknown tokens, malformed and oversized bodies, changing nothing', async () => {
    const before = await allClearances();
    const body = { decisions: [{ student_no: studentNo(3), decision: 'pass' }] };
    expect((await srv.post('/api/v1/decisions', body)).status).toBe(401);
    expect((await srv.post('/api/v1/decisions', body, bearer('not-a-real-token-at-all-000'))).status).toBe(401);
    expect((await srv.post('/api/v1/decisions', body, { authorization: `Basic ${CARD}` })).status).toBe(401);
    const bad = await srv.post('/api/v1/decisions', '{"decisions": [', bearer(CARD));
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('request body is not valid JSON');
    const wrong = await srv.post(
      '/api/v1/decisions',
      { decisions: [{ student_no: studentNo(3), decision: 'approve' }] },
      bearer(CARD),
    );
    expect(wrong.status).toBe(400);
    expect(wrong.json.error).toMatch(/^decisions\.0\.decision/);
    const big = await srv.post('/api/v1/decisions', { decisions: [], pad: 'x'.repeat(1024 * 1024 + 10) }, bearer(CARD));
    expect(big.status).toBe(413);
    expect(await allClearances()).toEqual(before);
  });

  it('an Idempotency-Key replay gets the first answer again and changes nothing', async () => {
    const body = { decisions: [{ student_no: studentNo(4), decision: 'pass' }] };
    const key = { ...bearer(CARD), 'idempotency-key': 'sync-2026-06-01-0001' };
    const first = await srv.post('/api/v1/decisions', body, key);
    expect(first.json.results[0].outcome).toBe('applied');
    const versions = await allClearances();
    const replays = await Promise.all([1, 2, 3].map(() => srv.post('/api/v1/decisions', body, key)));
    for (const r of replays) {
      expect(r.json).toEqual(first.json);
      expect(r.headers.get('idempotent-replayed')).toBe('true');
    }
    expect(await allClearances()).toEqual(versions);
    const other = await srv.post(
      '/api/v1/decisions',
      { decisions: [{ student_no: studentNo(5), decision: 'pass' }] },
      key,
    );
    expect(other.status).toBe(422);
    expect(await statusOf(studentNo(5), 'campus_card')).toBe('pending');
  });

  it('concurrent first deliveries with one key decide once', async () => {
    const body = { decisions: [{ student_no: studentNo(6), decision: 'pass' }] };
    const key = { ...bearer(CARD), 'idempotency-key': 'race-1' };
    const all = await Promise.all(Array.from({ length: 8 }, () => srv.post('/api/v1/decisions', body, key)));
    expect(all.every((r) => r.status === 200 && r.json.results[0].outcome === 'applied')).toBe(true);
    const audit = await db.sql(
      `select 1 from audit_event e join student s on s.id = e.student_id where s.student_no = $1 and e.step_key = 'campus_card'`,
      [studentNo(6)],
    );
    expect(audit).toHaveLength(1);
  });

  it('without Idempotency-Key a repeat is answered as already decided, naming who', async () => {
    const body = { decisions: [{ student_no: studentNo(0), decision: 'pass' }] };
    const r = await srv.post('/api/v1/decisions', body, bearer(CARD));
    expect(r.json.results[0]).toMatchObject({
      outcome: 'already_decided',
      status: 'passed',
      decided_by: '一卡通管理中心（系统对接）',
    });
  });
});

describe('health', () => {
  it('answers /healthz and /readyz, with a request id', async () => {
    const h = await fetch(`${srv.url}/healthz`);
    expect(await h.json()).toEqual({ ok: true });
    const r = await fetch(`${srv.url}/readyz`, { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ready: true });
    expect(r.headers.get('x-request-id')).toBe('trace-abc-123');
  });

  it('/readyz says 503 when the database is unreachable', async () => {
    const { ormConfig } = await import('../src/db/orm.ts');
    const { MikroORM } = await import('@mikro-orm/postgresql');
    const { createServer } = await import('../bot/server.ts');
    const { createLogger } = await import('../src/log.ts');
    const { loadConfig } = await import('../src/config.ts');
    const orm = MikroORM.initSync(ormConfig('postgres://postgres@127.0.0.1:1/none')); // nothing listens on port 1
    const app = createServer({ orm, wf: db.wf, config: loadConfig({}), log: createLogger('silent') });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false, reason: 'database unreachable' });
    server.close();
    await orm.close();
  });
});

it('the API is off (404) when no tokens are configured', async () => {
  const off = await startServer(db);
  expect((await off.post('/api/v1/decisions', { decisions: [] }, bearer(CARD))).status).toBe(404);
  await off.close();
});
