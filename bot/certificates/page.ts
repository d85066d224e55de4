// The certificate page (离校证明): printable on A4, with every step, who passed it and when, and the QR code to verify it.
import QRCode from 'qrcode';
import type { OnlineCheck } from '../../src/certificates/check-online.ts';
import { revocationWords } from '../../src/certificates/revocation-words.ts';
import type { StepStatus } from '../../src/reports/student-status.ts';
import type { Workflow } from '../../src/workflow/schema.ts';
import { localDate, localDateTime } from '../../src/time.ts';
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
}

const STATE = { passed: '已通过', not_applicable: '无需办理', pending: '待办理', returned: '已退回' } as const;

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
  /* One A4 sheet whatever the fonts: CJK serif faces (Noto Serif CJK) set taller lines than the fallbacks */
  @media print {
    .verdict, .print { display: none; }
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
  const at = localDateTime(v.checkedAt, v.timeZone);
  if (c.status === 'invalid')
    return `<div class="verdict invalid" data-status="invalid"><b>✗ 无效</b>　这不是本系统签发的有效离校证明（${esc(c.reason)}）。</div>`;
  if (c.status === 'valid')
    return `<div class="verdict valid" data-status="valid"><b>✓ 有效</b>　签名有效，由本系统签发，截至 ${esc(at)} 未被撤销。</div>`;
  const why = revocationWords(c.revokedReason, v.wf);
  const when = c.revokedAt ? `，撤销于 ${localDateTime(new Date(c.revokedAt), v.timeZone)}` : '';
  return `<div class="verdict revoked" data-status="revoked"><b>✗ 已撤销</b>　本证明已失效${why ? `：${esc(why)}` : ''}${esc(when)}。</div>`;
}

function stepsTable(v: CertificatePageView): string {
  const rows = v.steps.map((s) => {
    const def = v.wf.steps.find((d) => d.key === s.key);
    const at = s.decided_at ? localDateTime(new Date(s.decided_at), v.timeZone) : '';
    return `<tr><td>${esc(s.name)}</td><td>${esc(def?.office ?? '')}</td><td class="state">${STATE[s.status]}</td><td>${esc(s.status === 'passed' ? s.decided_by : '')}</td><td>${esc(s.status === 'passed' ? at : '')}</td></tr>`;
  });
  return `<table class="steps"><thead><tr><th>环节</th><th>办理部门</th><th>结果</th><th>经办</th><th>时间</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export async function certificatePage(v: CertificatePageView): Promise<string> {
  const university = v.wf.university || v.wf.name;
  const c = v.check;
  if (c.status === 'invalid')
    return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>离校证明核验：无效</title><style>${STYLE}</style></head>
<body>${verdict(v)}<p>请向出示者索取原件，或联系${esc(university)}研究生院核实。</p></body></html>`;
  const f = c.claims;
  const completed = localDateTime(new Date(f.completed_at), v.timeZone);
  const degree = f.degree ? `${f.degree}研究生` : '研究生';
  const valid = c.status === 'valid';
  const qr = valid ? await QRCode.toString(v.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) : '';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>离校证明 · ${esc(f.name)}</title><style>${STYLE}</style></head>
<body>
${verdict(v)}
<div class="${valid ? 'doc' : 'doc revoked-doc'}">
<h1>${esc(university)}研究生离校证明</h1>
<p class="statement">兹证明<b>${esc(f.college)}</b>${esc(degree)}<b class="name">${esc(f.name)}</b>（学号 <b>${esc(f.student_no)}</b>）已于 ${esc(localDate(new Date(f.completed_at), v.timeZone))} 办完全部离校手续，离校类型：${esc(f.exit_type)}。</p>
<table class="facts"><tbody>
<tr><th>姓名</th><td>${esc(f.name)}</td><th>学号</th><td>${esc(f.student_no)}</td></tr>
<tr><th>学院</th><td>${esc(f.college)}</td><th>层次</th><td>${esc(f.degree ?? '')}</td></tr>
<tr><th>离校类型</th><td>${esc(f.exit_type)}</td><th>届别</th><td>${esc(f.season)}</td></tr>
<tr><th>办结时间</th><td>${esc(completed)}</td><th>签发时间</th><td>${esc(localDateTime(new Date(f.iat * 1000), v.timeZone))}</td></tr>
</tbody></table>
</div>
${valid ? stepsTable(v) : ''}
${
  valid
    ? `<div class="foot"><div class="qr">${qr}</div><div class="text">
<p>扫描二维码在线核验本证明：签名有效且未被撤销时显示“有效”。任何环节的办理结果被撤销，本证明随即失效。</p>
<p>离线核验：二维码中的链接含有以 Ed25519 签名的声明（JWS，alg EdDSA），公钥见 ${esc(f.iss)}/v/keys；<code>npx lixiao verify 链接</code> 可在无数据库时核验签名。</p>
<p>证明编号 ${esc(f.jti)} · 签名密钥 ${esc(c.kid)}</p>
</div></div>
<p class="seal">${esc(university)}研究生院</p>
<p class="print"><button onclick="window.print()">打印</button> 打印时本页顶部的核验结果不会印出。</p>`
    : ''
}
</body></html>`;
}
