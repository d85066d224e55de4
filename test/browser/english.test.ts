// The English status card in a real browser (Debian's chromium, driven by playwright-core): a student switches to
// English in the console, asks status, and the card is drawn in English, screenshotted (SCREENSHOT=1 keeps the picture).
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
import { browserPlan } from '../support/browser.ts';

const plan = browserPlan();
if (plan.notice) process.stderr.write(`${plan.notice}\n`);
let db: TestDb;
let server: Server;
let browser: Browser;
let page: Page;
const STUDENT = '202301005';

async function send(text: string) {
  const before = await page.locator('article.card').count();
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
  const card = page.locator('article.card').nth(before);
  await card.waitFor();
  return card;
}

beforeAll(async () => {
  if (!plan.run) return;
  db = await freshDb();
  await loadDemoSeason(db.orm.em.fork(), db.wf);
  server = createServer({
    orm: db.orm,
    wf: db.wf,
    config: loadConfig({ DATABASE_URL: db.url }),
    log: createLogger('silent'),
    inbox: new ConsoleInbox(),
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  browser = await chromium.launch({
    executablePath: plan.chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/console`);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await db?.close();
});

describe.runIf(plan.run)('the English status card in a browser', () => {
  it('a student writes English, then status: the card is drawn in English, names and reasons as written', async () => {
    const [p] = await db.sql<{ id: number }>(
      'select p.id from person p join student s on s.person_id = p.id where s.student_no = $1',
      [STUDENT],
    );
    await page.selectOption('#who', String(p!.id));
    await page.locator('.msg.me', { hasText: '您现在是' }).last().waitFor();
    const switched = await send('English');
    expect(await switched.locator('.card-title').textContent()).toBe('Language: English');
    const card = await send('status');
    expect(await card.getAttribute('lang')).toBe('en');
    expect(await card.locator('.card-title').textContent()).toMatch(/^Departure clearance: /);
    const library = card.locator('.step').filter({ has: page.locator('.step-name', { hasText: /^Library$/ }) });
    expect(await library.locator('.step-state').textContent()).toBe('To do');
    expect(await card.locator('dl.fields dt').allTextContents()).toEqual([
      'Student no.',
      'School',
      'Campus',
      'Deadline',
    ]);
    expect(await card.textContent()).not.toMatch(/待办理|已通过|办理：|地点：/);
    const png = await card.screenshot(process.env.SCREENSHOT ? { path: join('docs', 'console-card-en.png') } : {});
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const box = await card.boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(300);
  });
});
