import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jsQR from 'jsqr';
import { freshDb, type TestDb } from '../support/db.ts';
import { seedSeason, studentNo } from '../support/season.ts';
import { startServer, type TestServer } from '../support/http.ts';
import { onMessage, noticesFor, type Deps, type Who } from '../../handlers/index.ts';
import { Signer } from '../../src/certificates/signing-keys.ts';
import type { Block, Card } from '../../cards/index.ts';
import { renderFeishu } from '../../cards/render/feishu.ts';
import { renderWecom } from '../../cards/render/wecom.ts';
import { renderHtml } from '../../cards/render/html.ts';
import { complete, decideAs } from './support.ts';

let db: TestDb;
let deps: Deps;
let server: TestServer;
const wecom = (userId: string): Who => ({ platform: 'wecom', userId });
const say = (who: string, text: string) => onMessage(deps, { who: wecom(who), text }, { layout: 'buttons' });
const linkOf = (c: Card) => c.blocks.find((b): b is Extract<Block, { kind: 'link' }> => b.kind === 'link')?.url;

/** The QR code of the page: qrcode's SVG path (rows of `h` runs) drawn into pixels, then decoded by jsQR. */
function decodeQrSvg(svg: string): string | null {
  const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)![1]);
  const d = /<path stroke="[^"]+" d="([^"]+)"/.exec(svg)![1]!;
  const dark = new Set<string>();
  let x = 0;
  let y = 0;
  for (const [, op, args] of d.matchAll(/([MmHh])([^MmHh]+)/g)) {
    const nums = args!
      .trim()
      .split(/[\s,]+/)
      .map(Number);
    if (op === 'M') [x, y] = [nums[0]!, nums[1]!];
    else if (op === 'm') [x, y] = [x + nums[0]!, y + nums[1]!];
    else {
      for (let i = 0; i < nums[0]!; i++) dark.add(`${x + i},${Math.floor(y)}`);
      x += nums[0]!;
    }
  }
  const scale = 4;
  const px = size * scale;
  const data = new Uint8ClampedArray(px * px * 4);
  for (let row = 0; row < px; row++)
    for (let col = 0; col < px; col++) {
      const v = dark.has(`${Math.floor(col / scale)},${Math.floor(row / scale)}`) ? 0 : 255;
      data.set([v, v, v, 255], (row * px + col) * 4);
    }
  return jsQR(data, px, px)?.data ?? null;
}

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 9);
  server = await startServer(db, { LIXIAO_PUBLIC_URL: 'http://lixiao.test' });
  deps = {
    orm: db.orm,
    wf: db.wf,
    timeZone: 'Asia/Shanghai',
    publicUrl: 'http://lixiao.test',
    signer: new Signer({}),
  };
});
afterAll(async () => {
  await server.close();
  await db.close();
});

describe('in chat', () => {
  it('a student who is not done is told what is left; 证明 and certificate are the same word', async () => {
    const [card] = await say('stu0', '证明');
    expect(card).toMatchObject({ type: 'certificate', tone: 'grey' });
    expect(card!.summary).toBe('您的离校手续还有 11 项未办完，办完后签发离校证明。');
    expect(await say('stu0', 'certificate')).toEqual([card]);
    expect(await db.sql('select count(*)::int as n from certificate')).toEqual([{ n: 0 }]);
  });

  it('the final pass notice carries the certificate link; 证明 gives the same link; staff see it under 查', async () => {
    const no = studentNo(0);
    const results = await complete(db, no);
    const last = results.at(-1)!;
    const notices = await noticesFor(deps, [{ clearanceId: last.clearanceId!, version: last.version! }]);
    expect(notices).toHaveLength(1);
    const notice = notices[0]!.card;
    expect(notice).toMatchObject({ type: 'notice', title: '离校手续已全部办完', tone: 'green' });
    const url = linkOf(notice)!;
    expect(url).toMatch(/^http:\/\/lixiao\.test\/v\/[\w-]+\.[\w-]+\.[\w-]+$/);
    // Every platform shows the link (nothing dropped).
    const renderers = [
      renderFeishu,
      (c: Card) => renderWecom(c, { taskId: 't1', url: 'http://lixiao.test' }),
      renderHtml,
    ];
    for (const render of renderers) {
      const r = render(notice) as { dropped: string[]; payload: unknown };
      expect(r.dropped).toEqual([]);
      expect(JSON.stringify(r.payload)).toContain(url.split('/v/')[1]!.slice(0, 40));
    }
    const [mine] = await say('stu0', '证明');
    expect(mine).toMatchObject({ type: 'certificate', tone: 'green' });
    expect(linkOf(mine!)).toBe(url);
    const staff = await say('admin-school', `查 ${no}`);
    expect(staff.map((c) => c.type)).toEqual(['status', 'certificate']);
    expect(linkOf(staff[1]!)).toBe(url);
    expect(staff[1]!.title).toBe(`离校证明 · ${no} 学生0`);
  });

  it('after a revoke the student and staff are told the certificate is revoked, and why', async () => {
    const no = studentNo(0);
    await decideAs(db, 'revoke', 'grad_office', no);
    const [mine] = await say('stu0', '证明');
    expect(mine).toMatchObject({ type: 'certificate', tone: 'red' });
    expect(mine!.summary).toBe('您的离校证明已撤销：研究生院研工办的办理结果被撤销。');
    const staff = await say('admin-school', `查 ${no}`);
    expect(staff[1]).toMatchObject({ type: 'certificate', tone: 'red' });
    await decideAs(db, 'pass', 'grad_office', no);
  });

  it('without a usable signing key the completion notice still goes out, without a link', async () => {
    const no = studentNo(1);
    const results = await complete(db, no);
    const last = results.at(-1)!;
    const broken = { ...deps, signer: new Signer({ keyFile: '/nonexistent/signing.pem' }) };
    const [n] = await noticesFor(broken, [{ clearanceId: last.clearanceId!, version: last.version! }]);
    expect(n!.card).toMatchObject({
      title: '离校手续已全部办完',
      summary: '研究生院研工办已通过，您的离校手续已全部办完。',
    });
    expect(linkOf(n!.card)).toBeUndefined();
  });
});

describe('the certificate page', () => {
  it('lists every step with who passed it and when, prints on A4, and its QR code holds the verification URL', async () => {
    const [mine] = await say('stu0', '证明');
    const url = linkOf(mine!)!;
    const token = url.split('/v/')[1]!;
    const html = await (await fetch(`${server.url}/v/${token}`)).text();
    expect(html).toContain('@page { size: A4;');
    expect(html).toContain('重庆大学研究生离校证明');
    const rows = [
      ...html.matchAll(
        /<tr><td>([^<]+)<\/td><td>([^<]+)<\/td><td class="state">([^<]+)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g,
      ),
    ];
    expect(rows.map((r) => r[1])).toEqual(db.wf.steps.map((s) => s.name));
    // every step passed, but the supervisor's: this student has none on file (the paper form)
    const [supervisor, ...passed] = rows;
    expect(supervisor!.slice(1, 4)).toEqual(['导师', '导师或导师授权人', '无需办理']);
    expect(
      passed.every((r) => r[3] === '已通过' && r[4] === 'cli:test' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(r[5]!)),
    ).toBe(true);
    const svg = /<svg[\s\S]*?<\/svg>/.exec(html)![0];
    expect(decodeQrSvg(svg)).toBe(url);
  });

  it('reads in English for a verifier whose browser prefers it, and ?lang= chooses either way', async () => {
    const [mine] = await say('stu0', '证明');
    const url = `${server.url}/v/${linkOf(mine!)!.split('/v/')[1]!}`;
    const get = async (path: string, accept?: string) =>
      (await fetch(path, accept ? { headers: { 'accept-language': accept } } : {})).text();
    const english = await get(url, 'en-US,en;q=0.9');
    expect(english).toContain('<html lang="en">');
    expect(english).toContain('<b>✓ Valid</b>');
    expect(english).toContain('重庆大学 Graduate Departure Certificate');
    expect(english).toContain('<th>Step</th><th>Office</th><th>Result</th>');
    expect(english).toMatch(/<td class="state">Passed<\/td>/);
    expect(english).not.toMatch(/已通过|兹证明/);
    expect(english).toContain('<a href="?lang=zh" hreflang="zh">中文</a>');
    // a Chinese browser, or none, reads the Chinese; the link overrides the browser
    expect(await get(url, 'zh-CN,zh;q=0.9,en;q=0.8')).toContain('<html lang="zh-CN">');
    expect(await get(`${url}?lang=zh`, 'en')).toContain('兹证明');
    expect(await get(`${url}?lang=en`)).toContain('This certifies that');
  });
});
