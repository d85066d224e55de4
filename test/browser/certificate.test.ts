// The certificate page in a real browser (Debian's chromium, driven by playwright-core): on screen, in print, revoked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { freshDb, type TestDb } from '../support/db.ts';
import { loadDemoSeason } from '../../src/demo/season.ts';
import { createServer } from '../../bot/server.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { certificateFor } from '../../src/certificates/issue.ts';
import { Signer } from '../../src/certificates/signing-keys.ts';
import { complete, decideAs } from '../certificates/support.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STUDENT = '202301005';
let db: TestDb;
let server: Server | undefined;
let browser: Browser;
let page: Page;
let base: string;
let token: string;

beforeAll(async () => {
  // Not skipped: without chromium this file fails and says what to install.
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`);
  db = await freshDb();
  await loadDemoSeason(db.orm.em.fork(), db.wf);
  await complete(db, STUDENT);
  const config = loadConfig({ DATABASE_URL: db.url });
  const issued = await certificateFor(db.orm.em.fork(), new Signer({}), config.publicUrl, STUDENT);
  token = issued!.token!;
  const started = createServer({ orm: db.orm, wf: db.wf, config, log: createLogger('silent') }).listen(0, '127.0.0.1');
  server = started;
  await new Promise((r) => started.once('listening', r));
  base = `http://127.0.0.1:${(started.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  // a verifier in China: the page follows the browser's language (headless Chromium says en-US)
  page = await browser.newPage({ viewport: { width: 900, height: 1300 }, locale: 'zh-CN' });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  // a server that never started (no chromium) has nothing to close: waiting on it would hold the run for two minutes
  const started = server;
  if (started) await new Promise((r) => started.close(r));
  await db?.close();
});

describe('the certificate page in a browser', () => {
  it('shows the verdict, the student, every step and a QR code of print size; the screenshot is a real picture', async () => {
    await page.goto(`${base}/v/${token}`);
    await expect(page.locator('.verdict').textContent()).resolves.toMatch(/^✓ 有效/);
    expect(await page.locator('h1').textContent()).toBe('重庆大学研究生离校证明');
    expect(await page.locator('.statement .name').textContent()).toBe('陈宇轩');
    expect(await page.locator('table.steps tbody tr').count()).toBe(db.wf.steps.length);
    const qr = await page.locator('.qr svg').boundingBox();
    // 46 mm at CSS's 96 px per inch: about 174 px, square.
    expect(Math.round(qr!.width)).toBeGreaterThan(170);
    expect(Math.round(qr!.width)).toBe(Math.round(qr!.height));
    const shot = process.env.SCREENSHOT
      ? join('docs', 'certificate.png')
      : join(mkdtempSync(join(tmpdir(), 'lixiao-shot-')), 'certificate.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
  });

  it('prints on one A4 page without the on-screen verdict', async () => {
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.verdict').isVisible()).toBe(false);
    expect(await page.locator('.print').isVisible()).toBe(false);
    const pdf = await page.pdf({ preferCSSPageSize: true });
    expect((pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length).toBe(1);
    // A4 is 595 x 842 points.
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1'))!;
    expect([Math.round(Number(box[1])), Math.round(Number(box[2]))]).toEqual([595, 842]);
    await page.emulateMedia({ media: 'screen' });
  });

  it('after a revoke the same page is red and has no QR code', async () => {
    await decideAs(db, 'revoke', 'grad_office', STUDENT);
    await page.goto(`${base}/v/${token}`);
    await expect(page.locator('.verdict').textContent()).resolves.toMatch(/^✗ 已撤销/);
    const color = await page.locator('.verdict').evaluate((el) => getComputedStyle(el).color);
    expect(color).toBe('rgb(183, 28, 28)');
    expect(await page.locator('.qr').count()).toBe(0);
  });
});
