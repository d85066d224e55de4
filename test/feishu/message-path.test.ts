// A chat message's path: who wrote and whether it was seen in one look, the answer's reads, then one statement that
// claims the delivery with the answer (no transaction); a repeated delivery is one look and answers nothing.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { freshDb, type TestDb } from '../support/db.ts';
import { seedSeason } from '../support/season.ts';
import { startFeishuService, type FeishuService } from '../support/feishu-service.ts';
import { feishuMessage } from '../support/feishu-sign.ts';

const KEY = 'feishu-message-path-key';
let db: TestDb;
let service: FeishuService;

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 5);
  service = await startFeishuService(db, KEY);
});
afterAll(async () => {
  await service.close();
  await db.close();
});

/** The statements `work` sends to PostgreSQL (every one goes through node-postgres' Client.query). */
async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
  const spy = vi.spyOn(pg.Client.prototype, 'query');
  try {
    await work();
    return spy.mock.calls.map(([q]) => (typeof q === 'string' ? q : (q as { text: string }).text).trim());
  } finally {
    spy.mockRestore();
  }
}

const sentTo = (openId: string) => service.fake.messages.filter((m) => m.receive_id === openId);

describe('a chat message', () => {
  it('进度: the look, the status, the claim with the answer; the same delivery again is the look alone', async () => {
    const payload = feishuMessage('ou_stu0', '进度');
    const first = await statementsOf(() => service.post(payload));
    expect(first[0]).toMatch(/^select exists \(select 1 from inbound_event/);
    expect(first.at(-1)).toMatch(/^with claim as \(insert into inbound_event .*add_jobs/s);
    expect(first.filter((q) => /^(begin|commit|rollback|savepoint)\b/i.test(q))).toEqual([]);
    // the status card reads the student's steps in one statement
    expect(first).toHaveLength(3);
    await service.drain();
    expect(sentTo('ou_stu0')).toHaveLength(1);

    const again = await statementsOf(() => service.post(payload));
    expect(again).toHaveLength(1);
    await service.drain();
    expect(sentTo('ou_stu0')).toHaveLength(1);
  });

  it('待办: the list card is queued with the moment its rows were read, so a change while it waits is not lost', async () => {
    const [{ before }] = (await db.sql<{ before: Date }>('select now() as before')) as [{ before: Date }];
    await service.post(feishuMessage('ou_library', '待办'));
    const jobs = await db.sql<{ page: number; drawn_since: boolean }>(
      `select (payload->'shows'->>'page')::int as page, (payload->>'drawnAt')::timestamptz >= $1 as drawn_since
         from graphile_worker._private_jobs where key like 'send:feishu:%' and payload::jsonb ? 'shows'`,
      [before],
    );
    expect(jobs).toEqual([{ page: 1, drawn_since: true }]);
    await service.drain();
  });
});
