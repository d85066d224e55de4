// Copies of a list card patched once per window with their latest state, not once per change.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { freshDb, type TestDb } from '../support/db.ts';
import { seedSeason, STAFF_CSV } from '../support/season.ts';
import { startFeishuService, type FeishuService } from '../support/feishu-service.ts';
import { feishuEvent, feishuRequest } from '../support/feishu-sign.ts';
import { handlerDeps } from '../../bot/server.ts';
import { createFeishu, type Feishu } from '../../bot/feishu/index.ts';
import { runQueueOnce, taskList, workerLogger } from '../../src/queue/worker.ts';
import { importStaff } from '../../src/imports/staff.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';

const KEY = 'feishu-copy-window-key';
const log = createLogger('silent');
let db: TestDb;
let service: FeishuService;
let windowed: Feishu;

const post = async (payload: object) => {
  const r = feishuRequest(payload, KEY);
  const res = await fetch(`${service.url}/feishu/webhook`, {
    method: 'POST',
    headers: r.headers,
    body: new Uint8Array(r.body),
  });
  return (await res.json()) as { toast?: { content: string } };
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
const tap = (openId: string, value: object, messageId: string) =>
  feishuEvent('card.action.trigger', {
    operator: { open_id: openId },
    token: 'c-window',
    action: { tag: 'button', value },
    context: { open_message_id: messageId },
  });
const drain = (feishu: Feishu) =>
  runQueueOnce({
    connectionString: db.url,
    taskList: taskList(feishu.listeners, { feishu: feishu.sender }, feishu.tasks),
    logger: workerLogger(log),
  });
function passValues(card: unknown): object[] {
  const out: object[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, any>;
    if (o.tag === 'button' && o.text?.content === '通过' && o.behaviors?.[0]?.value) out.push(o.behaviors[0].value);
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}

/** The last card each person was sent. */
const lastTo = (openId: string) => service.fake.messages.filter((m) => m.receive_id === openId).at(-1)!;

/** Both librarians write 待办 and get their list: mine (图书馆员) and theirs (图书馆员乙), the same rows. */
async function bothLists() {
  await post(message('ou_library', '待办'));
  await post(message('ou_library2', '待办'));
  await drain(service.feishu);
  return { mine: lastTo('ou_library'), theirs: lastTo('ou_library2') };
}

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 10);
  await importStaff(db.orm.em.fork(), db.wf, `${STAFF_CSV}\n图书馆员乙,handler,library,*,,library2`, 's.csv');
  service = await startFeishuService(db, KEY);
  const config = loadConfig({
    FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718',
    FEISHU_APP_SECRET: 'fake-secret',
    FEISHU_ENCRYPT_KEY: KEY,
    FEISHU_BASE_URL: service.fake.url,
  });
  windowed = createFeishu(config.feishu!, handlerDeps({ orm: db.orm, wf: db.wf, config, log }), log, undefined, 30);
});
afterAll(async () => {
  await service.close();
  await db.close();
});

describe('the copies window', () => {
  it('three taps on one list: the other copy is patched once, when the window ends, with all three rows; the tapper’s own is not, its answers showed them', async () => {
    const { fake } = service;
    const { mine, theirs } = await bothLists();
    for (const value of passValues(mine.content).slice(0, 3))
      expect((await post(tap('ou_library', value, mine.message_id))).toast?.content).toBe('已通过');
    const before = fake.patches.length;
    await drain(windowed);
    expect(fake.patches.length).toBe(before);
    const jobs = await db.sql<{ key: string; in_s: number }>(
      `select key, extract(epoch from run_at - now())::int as in_s from graphile_worker._private_jobs where key like 'patch:feishu:%' order by key`,
    );
    expect(jobs.map((j) => j.key).sort()).toEqual(
      [`patch:feishu:${mine.message_id}`, `patch:feishu:${theirs.message_id}`].sort(),
    );
    for (const j of jobs) expect(j.in_s).toBeGreaterThan(10);

    await db.sql(`update graphile_worker._private_jobs set run_at = now() where key like 'patch:feishu:%'`);
    await drain(windowed);
    const patches = fake.patches.slice(before);
    expect(patches.map((p) => p.message_id)).toEqual([theirs.message_id]);
    expect(JSON.stringify(patches[0]!.content).match(/已通过 · 图书馆员/g)).toHaveLength(3);
  });

  it('after the tapper’s own tap, someone else’s decision on a row of the tapper’s card still patches it', async () => {
    const { fake } = service;
    const { mine, theirs } = await bothLists();
    const [first, second] = passValues(mine.content);
    const [, secondOnTheirs] = passValues(theirs.content);
    expect(secondOnTheirs).toEqual(second);
    expect((await post(tap('ou_library', first!, mine.message_id))).toast?.content).toBe('已通过');
    expect((await post(tap('ou_library2', second!, theirs.message_id))).toast?.content).toBe('已通过');
    const before = fake.patches.length;
    await drain(windowed);
    await db.sql(`update graphile_worker._private_jobs set run_at = now() where key like 'patch:feishu:%'`);
    await drain(windowed);
    const patched = fake.patches.slice(before).map((p) => p.message_id);
    // each librarian's copy shows the other's pass only after the window's patch (older lists show the rows too)
    expect(patched).toEqual(expect.arrayContaining([mine.message_id, theirs.message_id]));
  });

  it('a pass on one’s own card is two statements, the context and the decision’s write, which marks the copy drawn', async () => {
    await post(message('ou_library', '待办'));
    await drain(service.feishu);
    const mine = lastTo('ou_library');
    const [value] = passValues(mine.content);
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    let statements: string[];
    try {
      expect((await post(tap('ou_library', value!, mine.message_id))).toast?.content).toBe('已通过');
      statements = spy.mock.calls.map(([q]) => (typeof q === 'string' ? q : (q as { text: string }).text));
    } finally {
      spy.mockRestore();
    }
    // The office's pending count is remembered for a second: on a slow machine the card may count it again.
    const tapOwn = statements.filter((q) => !/^select count\(\*\) as n from clearance/.test(q.trim()));
    expect(tapOwn).toHaveLength(2);
    expect(tapOwn[0]).toMatch(/insert into inbound_event/);
    expect(tapOwn[1]).toMatch(/update delivered_card/);
    // drawn at the decision's own moment: the window's "decided since drawn" leaves it out
    const [row] = await db.sql<{ same: boolean }>(
      `select d.updated_at = c.decided_at as same from delivered_card d join clearance c on c.id = $1::int
        where d.platform = 'feishu' and d.message_id = $2`,
      [(value as { c: number }).c, mine.message_id],
    );
    expect(row!.same).toBe(true);
  });

  it('a 待办 card that waited in the queue while a row on it was decided is patched with that row once it is sent', async () => {
    const { fake } = service;
    await post(message('ou_library2', '待办'));
    await drain(service.feishu);
    const theirs = lastTo('ou_library2');
    await post(message('ou_library', '待办'));
    const [value] = passValues(theirs.content);
    expect((await post(tap('ou_library2', value!, theirs.message_id))).toast?.content).toBe('已通过');
    // the change is handled while the card still waits: no copy of it is on record to patch
    const { send_card_now: _held, ...withoutAnswers } = taskList(service.feishu.listeners, {
      feishu: service.feishu.sender,
    });
    await runQueueOnce({ connectionString: db.url, taskList: withoutAnswers, logger: workerLogger(log) });
    const before = fake.patches.length;
    await drain(service.feishu);
    const mine = lastTo('ou_library');
    expect(passValues(mine.content)).toContainEqual(value);
    const patched = fake.patches.slice(before).filter((p) => p.message_id === mine.message_id);
    expect(patched).toHaveLength(1);
    expect(JSON.stringify(patched[0]!.content)).toContain('已通过 · 图书馆员乙');
  });

  it('a decision made while a copy’s patch is with Feishu is patched at the next window: the copy was drawn before it', async () => {
    const { fake } = service;
    const { mine, theirs } = await bothLists();
    const [first, second] = passValues(mine.content);
    expect(passValues(theirs.content).slice(0, 2)).toEqual([first, second]);
    expect((await post(tap('ou_library2', first!, theirs.message_id))).toast?.content).toBe('已通过');
    await drain(windowed);
    // the window's patch of my copy shows the first pass; while Feishu holds it, the second row is passed too
    fake.beforePatch = async (id) => {
      if (id !== mine.message_id) return;
      fake.beforePatch = undefined;
      expect((await post(tap('ou_library2', second!, theirs.message_id))).toast?.content).toBe('已通过');
    };
    const before = fake.patches.length;
    await db.sql(`update graphile_worker._private_jobs set run_at = now() where key like 'patch:feishu:%'`);
    await drain(windowed);
    expect(fake.beforePatch).toBeUndefined();
    await drain(windowed);
    await db.sql(`update graphile_worker._private_jobs set run_at = now() where key like 'patch:feishu:%'`);
    await drain(windowed);
    const patches = fake.patches.slice(before).filter((p) => p.message_id === mine.message_id);
    expect(patches).toHaveLength(2);
    // the first patch was drawn before the second pass and offered it; the second shows it passed
    expect(passValues(patches[0]!.content)).toContainEqual(second);
    expect(passValues(patches[1]!.content)).not.toContainEqual(second);
    expect(JSON.stringify(patches[1]!.content)).toContain('已通过 · 图书馆员乙');
  });
});
