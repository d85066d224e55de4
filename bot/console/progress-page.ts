// The console's progress page for admins: per college and step, how many have passed, as a table of bars.
import type { ProgressRow } from '../../src/reports/progress.ts';
import type { Workflow } from '../../src/workflow/schema.ts';
import { esc } from '../http/escape.ts';

export function progressPage(wf: Workflow, rows: ProgressRow[]): string {
  const colleges = [...new Set(rows.map((r) => r.college))];
  const cell = (r: ProgressRow | undefined) => {
    if (!r) return '<td></td>';
    const total = r.pending + r.passed + r.returned;
    const pct = total ? Math.round((r.passed / total) * 100) : 100;
    const title = `已通过 ${r.passed} · 待办理 ${r.pending} · 已退回 ${r.returned} · 无需办理 ${r.not_applicable}`;
    return `<td title="${esc(title)}"><div class="bar"><div class="fill" style="width:${pct}%"></div>${r.returned ? `<div class="ret" style="width:${Math.round((r.returned / total) * 100)}%"></div>` : ''}</div><span>${r.passed}/${total}</span></td>`;
  };
  const body = colleges
    .map(
      (c) =>
        `<tr><th class="college">${esc(c)}</th>${wf.steps.map((s) => cell(rows.find((r) => r.college === c && r.step === s.key))).join('')}</tr>`,
    )
    .join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>离校进度</title>
<style>
 body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;margin:24px;color:#1f2329;min-width:0}
 table{border-collapse:collapse;table-layout:auto} th,td{padding:6px 6px;border-bottom:1px solid #e5e6eb;font-size:13px;text-align:left;vertical-align:middle}
 thead th{font-weight:600;font-size:12px;width:76px;min-width:64px;line-height:1.3;vertical-align:bottom}
 th.college{white-space:nowrap;width:auto}
 td{white-space:nowrap} td span{display:block;font-size:12px;color:#646a73}
 .bar{position:relative;width:64px;height:10px;background:#eef0f3;border-radius:5px;overflow:hidden;display:block}
 .fill{position:absolute;left:0;top:0;bottom:0;background:#34c724}.ret{position:absolute;right:0;top:0;bottom:0;background:#ff8800}
 a{color:#3370ff}
</style></head><body>
<h1>${esc(wf.name)} · 进度</h1>
<p>每格：已通过 / 需办理人数（绿色为已通过，橙色为已退回）。<a href="/console">返回对话</a></p>
<table><thead><tr><th class="college">学院</th>${wf.steps.map((s) => `<th>${esc(s.name)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>
</body></html>`;
}
