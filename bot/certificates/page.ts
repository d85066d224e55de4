// The certificate page (离校证明): printable on A4, with every step, who passed it and when, and the QR code to verify it; in Chinese or English.
import QRCode from 'qrcode';
import type { OnlineCheck } from '../../src/certificates/check-online.ts';
import { revocationWords } from '../../src/certificates/revocation-words.ts';
import type { StepStatus } from '../../src/reports/student-status.ts';
import type { Workflow } from '../../src/workflow/schema.ts';
import { localDate, localDateTime } from '../../src/time.ts';
import { stepTexts } from '../../src/workflow/load.ts';
import { esc } from '../http/escape.ts';

export interface CertificatePageView {
  check: OnlineCheck;
  /** the student's steps now (only for a valid certificate) */
  steps: StepStatus[];
  wf: Workflow;
  /** the verification URL the QR code holds */
  url: string;
  timeZone: string;
  checkedAt: Date;
  /** the page's language (the verifier's Accept-Language, or ?lang=); Chinese by default */
  lang?: PageLang;
}

/** The page in the verifier's language: the Chinese is the certificate's own, the English its translation. */
const TEXT = {
  zh: {
    state: { passed: '已通过', not_applicable: '无需办理', pending: '待办理', returned: '已退回' },
    invalid: (reason: string) => `<b>✗ 无效</b>　这不是本系统签发的有效离校证明（${reason}）。`,
    valid: (at: string) => `<b>✓ 有效</b>　签名有效，由本系统签发，截至 ${at} 未被撤销。`,
    revoked: (why: string, when: string) =>
      `<b>✗ 已撤销</b>　本证明已失效${why ? `：${why}` : ''}${when ? `，撤销于 ${when}` : ''}。`,
    invalidTitle: '离校证明核验：无效',
    askHolder: (u: string) => `请向出示者索取原件，或联系${u}研究生院核实。`,
    title: (name: string) => `离校证明 · ${name}`,
    h1: (u: string) => `${u}研究生离校证明`,
    statement: (f: { college: string; degree: string | null; name: string; no: string; date: string; exit: string }) =>
      `兹证明<b>${f.college}</b>${f.degree ? `${f.degree}研究生` : '研究生'}<b class="name">${f.name}</b>（学号 <b>${f.no}</b>）已于 ${f.date} 办完全部离校手续，离校类型：${f.exit}。`,
    facts: ['姓名', '学号', '学院', '层次', '离校类型', '届别', '办结时间', '签发时间'],
    steps: ['环节', '办理部门', '结果', '经办', '时间'],
    online: '扫描二维码在线核验本证明：签名有效且未被撤销时显示“有效”。任何环节的办理结果被撤销，本证明随即失效。',
    offline: (iss: string) =>
      `离线核验：二维码中的链接含有以 Ed25519 签名的声明（JWS，alg EdDSA），公钥见 ${iss}/v/keys；<code>npx lixiao verify 链接</code> 可在无数据库时核验签名。`,
    ids: (jti: string, kid: string) => `证明编号 ${jti} · 签名密钥 ${kid}`,
    seal: (u: string) => `${u}研究生院`,
    print: '<button onclick="window.print()">打印</button> 打印时本页顶部的核验结果不会印出。',
  },
  en: {
    state: { passed: 'Passed', not_applicable: 'Not applicable', pending: 'Pending', returned: 'Returned' },
    invalid: (reason: string) =>
      `<b>✗ Invalid</b>　This is not a valid departure certificate issued by this system (${reason}).`,
    valid: (at: string) => `<b>✓ Valid</b>　The signature is valid: issued by this system, not revoked as of ${at}.`,
    revoked: (why: string, when: string) =>
      `<b>✗ Revoked</b>　This certificate is void${why ? `: ${why}` : ''}${when ? ` (revoked ${when})` : ''}.`,
    invalidTitle: 'Departure certificate check: invalid',
    askHolder: (u: string) => `Ask the holder for the original, or contact the graduate school of ${u}.`,
    title: (name: string) => `Departure certificate · ${name}`,
    h1: (u: string) => `${u} Graduate Departure Certificate`,
    statement: (f: { college: string; degree: string | null; name: string; no: string; date: string; exit: string }) =>
      `This certifies that <b class="name">${f.name}</b> (student no. <b>${f.no}</b>), ${f.degree ? `${f.degree} ` : ''}graduate student of <b>${f.college}</b>, completed every departure procedure on ${f.date}. Departure type: ${f.exit}.`,
    facts: ['Name', 'Student no.', 'College', 'Degree', 'Departure', 'Season', 'Completed', 'Issued'],
    steps: ['Step', 'Office', 'Result', 'By', 'When'],
    online:
      'Scan the QR code to check this certificate online: it reads “Valid” while the signature is valid and nothing is revoked. If the result of any step is revoked, this certificate is void at once.',
    offline: (iss: string) =>
      `Offline: the link in the QR code holds claims signed with Ed25519 (JWS, alg EdDSA), with the public keys at ${iss}/v/keys; <code>npx lixiao verify LINK</code> checks the signature without a database.`,
    ids: (jti: string, kid: string) => `Certificate ${jti} · signing key ${kid}`,
    seal: (u: string) => `Graduate School, ${u}`,
    print: '<button onclick="window.print()">Print</button> The check result at the top of this page is not printed.',
  },
} as const;

export type PageLang = keyof typeof TEXT;

/** The other language's link, on screen only. */
const switcher = (lang: PageLang) =>
  `<p class="lang">${lang === 'zh' ? '<a href="?lang=en" hreflang="en">English</a>' : '<a href="?lang=zh" hreflang="zh">中文</a>'}</p>`;

const STYLE = `
  @page { size: A4; margin: 14mm 18mm; }
  * { box-sizing: border-box; }
  body { font-family: "Songti SC", "SimSun", "Noto Serif CJK SC", serif; font-size: 11pt; line-height: 1.6; color: #000;
         max-width: 174mm; margin: 0 auto; padding: 6mm 0; }
  .verdict { font-family: sans-serif; border-radius: 4px; padding: 3mm 4mm; margin-bottom: 6mm; font-size: 11pt; }
  .verdict b { font-size: 13pt; }
  .verdict.valid { background: #e8f5e9; border: 1px solid #2e7d32; color: #1b5e20; }
  .verdict.revoked, .verdict.invalid { background: #ffebee; border: 2px solid #c62828; color: #b71c1c; }
  h1 { font-size: 20pt; text-align: center; letter-spacing: 2px; margin: 4mm 0 6mm; }
  .statement { font-size: 13pt; line-height: 2; text-indent: 2em; margin: 0 0 5mm; }
  .revoked-doc { color: #888; text-decoration: line-through; }
  table { width: 100%; border-collapse: collapse; margin: 0 0 5mm; }
  th, td { border: 1px solid #000; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
  th { background: #f2f2f2; font-weight: bold; white-space: nowrap; }
  table.facts th { width: 24mm; }
  table.steps td.state { white-space: nowrap; }
  .foot { display: flex; gap: 6mm; align-items: flex-start; margin-top: 4mm; page-break-inside: avoid; }
  .qr svg { width: 46mm; height: 46mm; display: block; }
  .foot .text { font-size: 9pt; line-height: 1.5; color: #333; word-break: break-all; }
  .seal { text-align: right; margin-top: 4mm; }
  .print { font-family: sans-serif; margin-top: 6mm; font-size: 10pt; color: #555; }
  .lang { font-family: sans-serif; text-align: right; margin: 0 0 2mm; font-size: 10pt; }
  /* One A4 sheet whatever the fonts: CJK serif faces (Noto Serif CJK) set taller lines than the fallbacks */
  @media print {
    .verdict, .print, .lang { display: none; }
    body { padding: 0; font-size: 10pt; line-height: 1.4; }
    h1 { font-size: 18pt; margin: 0 0 4mm; }
    .statement { font-size: 12pt; line-height: 1.7; margin-bottom: 3mm; }
    table { margin-bottom: 3mm; }
    th, td { padding: 0.8mm 2mm; }
    .qr svg { width: 40mm; height: 40mm; }
    .foot, .seal { margin-top: 2mm; }
  }
`;

function verdict(v: CertificatePageView): string {
  const c = v.check;
  const x = TEXT[v.lang ?? 'zh'];
  const at = localDateTime(v.checkedAt, v.timeZone);
  if (c.status === 'invalid')
    return `<div class="verdict invalid" data-status="invalid">${x.invalid(esc(c.reason))}</div>`;
  if (c.status === 'valid') return `<div class="verdict valid" data-status="valid">${x.valid(esc(at))}</div>`;
  const why = revocationWords(c.revokedReason, v.wf, v.lang ?? 'zh');
  const when = c.revokedAt ? localDateTime(new Date(c.revokedAt), v.timeZone) : '';
  return `<div class="verdict revoked" data-status="revoked">${x.revoked(esc(why), esc(when))}</div>`;
}

function stepsTable(v: CertificatePageView): string {
  const lang = v.lang ?? 'zh';
  const x = TEXT[lang];
  const rows = v.steps.map((s) => {
    const def = v.wf.steps.find((d) => d.key === s.key);
    const texts = def ? stepTexts(def, lang) : { name: s.name, office: '' };
    const at = s.decided_at ? localDateTime(new Date(s.decided_at), v.timeZone) : '';
    return `<tr><td>${esc(texts.name)}</td><td>${esc(texts.office)}</td><td class="state">${x.state[s.status]}</td><td>${esc(s.status === 'passed' ? s.decided_by : '')}</td><td>${esc(s.status === 'passed' ? at : '')}</td></tr>`;
  });
  return `<table class="steps"><thead><tr>${x.steps.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export async function certificatePage(v: CertificatePageView): Promise<string> {
  const lang = v.lang ?? 'zh';
  const x = TEXT[lang];
  const html = lang === 'zh' ? 'zh-CN' : 'en';
  const university = esc(v.wf.university || v.wf.name);
  const c = v.check;
  if (c.status === 'invalid')
    return `<!doctype html>
<html lang="${html}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${x.invalidTitle}</title><style>${STYLE}</style></head>
<body>${switcher(lang)}${verdict(v)}<p>${x.askHolder(university)}</p></body></html>`;
  const f = c.claims;
  const completed = localDateTime(new Date(f.completed_at), v.timeZone);
  const valid = c.status === 'valid';
  const qr = valid ? await QRCode.toString(v.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) : '';
  const [name, no, college, degree, exit, season, done, issued] = x.facts;
  return `<!doctype html>
<html lang="${html}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${x.title(esc(f.name))}</title><style>${STYLE}</style></head>
<body>
${switcher(lang)}
${verdict(v)}
<div class="${valid ? 'doc' : 'doc revoked-doc'}">
<h1>${x.h1(university)}</h1>
<p class="statement">${x.statement({
    college: esc(f.college),
    degree: f.degree ? esc(f.degree) : null,
    name: esc(f.name),
    no: esc(f.student_no),
    date: esc(localDate(new Date(f.completed_at), v.timeZone)),
    exit: esc(f.exit_type),
  })}</p>
<table class="facts"><tbody>
<tr><th>${name}</th><td>${esc(f.name)}</td><th>${no}</th><td>${esc(f.student_no)}</td></tr>
<tr><th>${college}</th><td>${esc(f.college)}</td><th>${degree}</th><td>${esc(f.degree ?? '')}</td></tr>
<tr><th>${exit}</th><td>${esc(f.exit_type)}</td><th>${season}</th><td>${esc(f.season)}</td></tr>
<tr><th>${done}</th><td>${esc(completed)}</td><th>${issued}</th><td>${esc(localDateTime(new Date(f.iat * 1000), v.timeZone))}</td></tr>
</tbody></table>
</div>
${valid ? stepsTable(v) : ''}
${
  valid
    ? `<div class="foot"><div class="qr">${qr}</div><div class="text">
<p>${x.online}</p>
<p>${x.offline(esc(f.iss))}</p>
<p>${x.ids(esc(f.jti), esc(c.kid))}</p>
</div></div>
<p class="seal">${x.seal(university)}</p>
<p class="print">${x.print}</p>`
    : ''
}
</body></html>`;
}
