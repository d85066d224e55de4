// The console in a real browser (Debian's chromium, driven by playwright-core): the whole student / librarian flow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { freshDb, type TestDb } from '../support/db.ts';
import { loadDemoSeason } from '../../src/demo/season.ts';
import { createServer } from '../../bot/server.ts';
import { ConsoleInbox } from '../../bot/console/inbox.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { noticeCard } from '../../cards/index.ts';
import { browserPlan } from '../support/browser.ts';

// Without a chromium the tests are reported as not run, loudly, and fail only where a browser is required.
const plan = browserPlan();
const CHROMIUM = plan.chromium;
if (plan.notice) process.stderr.write(`${plan.notice}\n`);
let db: TestDb;
let server: Server;
let browser: Browser;
let inbox: ConsoleInbox;
let page: Page;
let base: string;
const STUDENT = '202301005';

/** A step of a status card by its exact name (the final step's lines mention other steps). */
const step = (card: ReturnType<Page['locator']>, name: string) =>
  card.locator('.step').filter({ has: page.locator('.step-name', { hasText: new RegExp(`^${name}$`) }) });

const personId = async (where: string, value: string) =>
  String(
    (
      await db.sql<{ id: number }>(
        `select p.id from person p left join student s on s.person_id = p.id where ${where} = $1`,
        [value],
      )
    )[0]!.id,
  );

async function actAs(id: string) {
  await page.selectOption('#who', id);
  await page.locator('.msg.me', { hasText: '您现在是' }).last().waitFor();
}
async function send(text: string) {
  const before = await page.locator('article.card').count();
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
  const card = page.locator('article.card').nth(before); // a fixed position: later cards do not move it
  await card.waitFor();
  return card;
}

beforeAll(async () => {
  if (!plan.run) return;
  db = await freshDb();
  await loadDemoSeason(db.orm.em.fork(), db.wf);
  const config = loadConfig({ DATABASE_URL: db.url });
  server = createServer({
    orm: db.orm,
    wf: db.wf,
    config,
    log: createLogger('silent'),
    inbox: (inbox = new ConsoleInbox()),
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${base}/console`);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await db?.close();
});

describe.runIf(plan.run)('the console in a browser', () => {
  it('a student asks 进度 and sees the library step open, with where to go', async () => {
    await actAs(await personId('s.student_no', STUDENT));
    const card = await send('进度');
    await expect(step(card, '图书馆').locator('.step-state').textContent()).resolves.toBe('待办理');
    expect(await step(card, '学生公寓管理中心').textContent()).toContain('B区学生八宿舍旁');
  });

  it('a librarian passes the student from the card; the row shows who passed', async () => {
    await actAs(await personId('p.email', 'library@example.edu.cn'));
    const stale = await send('待办');
    const card = await send('待办');
    await card.locator('.row', { hasText: STUDENT }).getByRole('button', { name: '通过' }).click();
    await expect
      .poll(() =>
        card
          .locator('.row', { hasText: STUDENT })
          .locator('.row-result')
          .textContent()
          .catch(() => ''),
      )
      .toMatch(/^已通过 · 图书馆 郑老师/);
    if (process.env.SCREENSHOT) await card.screenshot({ path: join('docs', 'console-card.png') }); // the README's picture
    // The older copy of the card still has the button: a second tap is told who already decided.
    await stale.locator('.row', { hasText: STUDENT }).getByRole('button', { name: '通过' }).click();
    await expect
      .poll(() =>
        stale
          .locator('.row', { hasText: STUDENT })
          .locator('.row-result')
          .textContent()
          .catch(() => ''),
      )
      .toMatch(/^已由 图书馆 郑老师 于 .* 通过$/);
  });

  it('the student’s next status shows the pass', async () => {
    await actAs(await personId('s.student_no', STUDENT));
    const card = await send('进度');
    expect(await step(card, '图书馆').locator('.step-state').textContent()).toBe('已通过');
    expect(await step(card, '图书馆').textContent()).toContain('图书馆 郑老师');
  });

  it('the supervisor form link opens the prefilled form', async () => {
    const card = page.locator('article.card', { has: page.locator('a.link') }).last();
    const href = await card.locator('a.link').getAttribute('href');
    const form = await browser.newPage();
    await form.goto(href!.replace('http://127.0.0.1:3000', base));
    expect(await form.locator('h1').textContent()).toBe('重庆大学研究生导师准许学生离校确认书');
    expect(await form.locator('.fill').allTextContents()).toEqual(['陈宇轩', STUDENT]);
    await form.close();
  });
  it('the picker names people and roles in Chinese, and writing before choosing asks to choose', async () => {
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await fresh.goto(`${base}/console`);
    await fresh.locator('#who option', { hasText: '图书馆 郑老师 · 图书馆 · 经办人' }).waitFor({ state: 'attached' });
    await fresh.fill('#text', '待办');
    await fresh.press('#text', 'Enter');
    await fresh.locator('.msg.sys').waitFor();
    expect(await fresh.locator('.msg.sys').textContent()).toContain('请先在上方“选择身份”中选一个人');
    expect(await fresh.inputValue('#text')).toBe('待办'); // kept, to send once someone is chosen
    expect(await fresh.locator('article.card').count()).toBe(0);
    await fresh.close();
  });

  it('notices a person received stay in their chat when the operator switches to someone else and back', async () => {
    const student = await personId('s.student_no', STUDENT);
    const text = '图书馆已通过。还有 9 项待办理。';
    inbox.push(Number(student), noticeCard({ title: '图书馆：已通过', text, tone: 'green' }), 'browser-notice-1');
    await actAs(student);
    const shown = () => page.locator('article.card:visible', { hasText: text });
    await shown().first().waitFor();
    await actAs(await personId('p.email', 'library@example.edu.cn'));
    expect(await shown().count()).toBe(0);
    await actAs(student);
    await page.waitForTimeout(1600); // a poll in between must not add it twice
    expect(await shown().count()).toBe(1);
    // and what they asked before is still there too
    expect(await page.locator('article.card[data-card-type="status"]:visible').count()).toBeGreaterThan(0);
  });

  it('/console/progress fits a 1280 px screen: one line per college name, no horizontal scroll', async () => {
    const wide = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await wide.goto(`${base}/console/progress`);
    const sizes = await wide.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      // lines of each college name: the distinct tops of its text's boxes
      colleges: [...document.querySelectorAll('tbody th.college')].map((th) => {
        const range = document.createRange();
        range.selectNodeContents(th);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      }),
    }));
    expect(sizes.page).toBeLessThanOrEqual(1280);
    expect(sizes.colleges.length).toBeGreaterThan(0);
    expect(sizes.colleges.every((lines) => lines === 1)).toBe(true);
    await wide.close();
  });
  it('a librarian undoes their own pass from its row (撤销): the student is open on the card again', async () => {
    await actAs(await personId('p.email', 'library@example.edu.cn'));
    const card = await send('待办');
    const row = card
      .locator('.row')
      .filter({ has: page.getByRole('button', { name: '通过' }) })
      .first();
    const no = (await row.locator('.row-title').textContent())!.split(' ')[0]!;
    await row.getByRole('button', { name: '通过' }).click();
    const mine = card.locator('.row', { hasText: no });
    await mine.getByRole('button', { name: '撤销' }).click();
    await expect.poll(() => mine.getByRole('button', { name: '通过' }).count()).toBe(1);
    const [row2] = await db.sql<{ status: string }>(
      `select c.status from clearance c join student s on s.id = c.student_id where s.student_no = $1 and c.step_key = 'library'`,
      [no],
    );
    expect(row2!.status).toBe('pending');
  });
});
