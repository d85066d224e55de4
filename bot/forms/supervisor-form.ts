// The handbook's 《重庆大学研究生导师准许学生离校确认书》, prefilled and printable on A4, behind the student's unguessable link.
import type Router from '@koa/router';
import type { MikroORM } from '@mikro-orm/postgresql';
import { formStudent, type FormStudent } from '../../src/reports/form-student.ts';
import type { RequestState } from '../http/request-context.ts';
import { esc } from '../http/escape.ts';
import type { Workflow } from '../../src/workflow/schema.ts';
import { localDateTime } from '../../src/time.ts';
import { t, type MessageKey } from '../../cards/i18n/index.ts';
import type { Lang } from '../../cards/index.ts';

const EXIT_TYPES = ['毕业', '结业', '肄业', '退学'] as const;

/** The form's texts in one language, from the catalogue; values are escaped here, the catalogue's words are ours. */
function texts(lang: Lang, s: FormStudent, university: string, timeZone: string) {
  const tr = (key: string, vars: Record<string, string> = {}) => t(lang, key as MessageKey, vars);
  const degree = tr(
    s.degree === '博士' ? 'form.degree_phd' : s.degree === '硕士' ? 'form.degree_master' : 'form.degree_any',
  );
  const exits = EXIT_TYPES.map((x) =>
    x === s.exitType
      ? `<b class="mark">${tr(`form.exit_${x}`)}</b>`
      : `<span class="off">${tr(`form.exit_${x}`)}</span>`,
  ).join(tr('form.exit_sep'));
  return {
    pageTitle: tr('form.page_title', { name: esc(s.name) }),
    title: tr('form.title', { university: esc(university) }),
    to: tr('form.to'),
    student: tr('form.student', {
      degree: esc(degree),
      name: `<span class="fill">${esc(s.name)}</span>`,
      studentNo: `<span class="fill">${esc(s.studentNo)}</span>`,
      exits,
    }),
    done: tr('form.done'),
    sign: tr('form.sign'),
    date: tr('form.date'),
    hint: tr(s.confirmed ? 'form.hint_confirmed' : 'form.hint', { college: esc(s.college) }),
    confirmed: s.confirmed
      ? tr('form.confirmed', {
          name: `<span class="fill">${esc(s.confirmed.by)}</span>`,
          at: esc(localDateTime(s.confirmed.at, timeZone)),
        })
      : '',
    code: s.confirmed ? tr('form.code', { code: `<b>${esc(s.confirmed.code)}</b>` }) : '',
    print: tr('form.print'),
  };
}

/**
 * The official Chinese form; for a student who reads English, each paragraph is followed by its English rendering
 * (the college keeps the Chinese text, so the Chinese stays first and whole). A supervisor's online confirmation takes
 * the signature line's place, with the code the academic secretary checks with 查 学号.
 */
export function supervisorFormHtml(s: FormStudent, university: string, timeZone = 'Asia/Shanghai'): string {
  const zh = texts('zh', s, university, timeZone);
  const en = s.lang === 'en' ? texts('en', s, university, timeZone) : null;
  const beside = (k: keyof typeof zh, cls = 'en') => (en ? `<p class="${cls}" lang="en">${en[k]}</p>` : '');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${zh.pageTitle}</title>
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
  .en { font-family: "Times New Roman", serif; font-size: 11pt; line-height: 1.5; color: #333; margin-top: -2mm; }
  .en .fill { padding: 0 2mm; }
  @media print { .hint button { display: none; } }
</style></head>
<body>
<h1>${zh.title}</h1>
${beside('title', 'en title')}<p>${zh.to}</p>
${beside('to')}<p>${zh.student}</p>
${beside('student')}<p>${zh.done}</p>
${beside('done')}${
    s.confirmed
      ? `<p class="sign">${zh.confirmed}</p>
${beside('confirmed', 'en sign')}<p class="sign">${zh.code}</p>
${beside('code', 'en sign')}`
      : `<p class="sign">${zh.sign}<span class="blank"></span></p>
${beside('sign', 'en sign')}<p class="sign">${zh.date}</p>
${beside('date', 'en sign')}`
  }<div class="hint">${zh.hint}<button onclick="window.print()">${zh.print}</button>${en ? `<br><span lang="en">${en.hint}</span>` : ''}</div>
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
      // nobody known: both languages
      ctx.body = `${t('zh', 'form.invalid')}\n${t('en', 'form.invalid')}`;
      return;
    }
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = supervisorFormHtml(s, deps.university, deps.timeZone);
  });
}
