// The handbook's 《重庆大学研究生导师准许学生离校确认书》, prefilled and printable on A4, behind the student's unguessable link.
import type Router from '@koa/router';
import type { MikroORM } from '@mikro-orm/postgresql';
import { formStudent, type FormStudent } from '../../src/reports/form-student.ts';
import type { RequestState } from '../http/request-context.ts';
import { esc } from '../http/escape.ts';
import type { Workflow } from '../../src/workflow/schema.ts';
import { localDateTime } from '../../src/time.ts';

const EXIT_TYPES = ['毕业', '结业', '肄业', '退学'];

/** The signature line: blank for a pen, or the supervisor's online confirmation with its code (checked with 查 学号). */
function signature(s: FormStudent, timeZone: string): string {
  if (!s.confirmed)
    return `<p class="sign">导师签字：<span class="blank"></span></p>
<p class="sign">年　　月　　日</p>`;
  const at = localDateTime(s.confirmed.at, timeZone);
  return `<p class="sign">导师：<span class="fill">${esc(s.confirmed.by)}</span> 已于 ${esc(at)} 在线确认</p>
<p class="sign">确认码：<b>${esc(s.confirmed.code)}</b></p>`;
}

export function supervisorFormHtml(s: FormStudent, university: string, timeZone = 'Asia/Shanghai'): string {
  const degree = s.degree === '博士' ? '博士' : s.degree === '硕士' ? '硕士' : '博（硕）士';
  const exits = EXIT_TYPES.map((t) =>
    t === s.exitType ? `<b class="mark">${t}</b>` : `<span class="off">${t}</span>`,
  ).join('／');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>导师准许学生离校确认书 · ${esc(s.name)}</title>
<style>
  @page { size: A4; margin: 25mm 22mm; }
  body { font-family: "Songti SC", "SimSun", "Noto Serif CJK SC", serif; font-size: 16pt; line-height: 2.1; color: #000; max-width: 170mm; margin: 0 auto; }
  h1 { font-size: 20pt; text-align: center; margin: 8mm 0 12mm; letter-spacing: 1px; }
  .fill { border-bottom: 1px solid #000; padding: 0 6mm; font-weight: bold; }
  .off { color: #888; text-decoration: line-through; }
  .mark { text-decoration: underline; }
  .sign { margin-top: 22mm; text-align: right; }
  .blank { display: inline-block; width: 45mm; border-bottom: 1px solid #000; }
  .hint { font-size: 10pt; color: #555; line-height: 1.5; margin-top: 20mm; border-top: 1px dashed #999; padding-top: 3mm; }
  @media print { .hint button { display: none; } }
</style></head>
<body>
<h1>${esc(university)}研究生导师准许学生离校确认书</h1>
<p>学院研究生教务秘书：</p>
<p>${esc(degree)}研究生<span class="fill">${esc(s.name)}</span>，学号：<span class="fill">${esc(s.studentNo)}</span>，已经${exits}。</p>
<p>该生已完清包括仪器归还、公共设备归还、公款归还、课题移交、涉密资料移交等与导师相关的所有手续，可以离校，特此确认。</p>
${signature(s, timeZone)}
<div class="hint">${esc(s.college)}。${s.confirmed ? '导师已在离校助手里确认，无需再签字；学院研究生教务秘书可发送“查 学号”核对确认码。' : '打印后交导师或导师授权人签字，再交学院研究生教务秘书。可提前办理。'}<button onclick="window.print()">打印</button></div>
</body></html>`;
}

export function supervisorFormRoute(
  router: Router<RequestState>,
  deps: { orm: MikroORM; university: string; wf?: Workflow; timeZone?: string },
): void {
  router.get('/forms/supervisor/:token', async (ctx) => {
    const s = await formStudent(deps.orm.em.fork(), ctx.params.token ?? '', deps.wf);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.set('Referrer-Policy', 'no-referrer');
    if (!s) {
      ctx.status = 404;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = '链接无效或已失效。请在离校助手里发送“进度”获取新的链接。';
      return;
    }
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = supervisorFormHtml(s, deps.university, deps.timeZone);
  });
}
