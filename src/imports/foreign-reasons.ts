// A block list's reasons that read like another office's (图书逾期未还 on 校医院's list): the list was probably
// aimed at the wrong step. Two-character words of each other office's name, absent from this step's, are the clues.
import type { StepDef, Workflow } from '../workflow/schema.ts';

// Words every office's name may contain: they say nothing about which office it is.
const COMMON = new Set(['学院', '研究', '究生', '中心', '管理', '理中', '学生', '研究生', '服务', '教育', '系统']);

function words(text: string): Set<string> {
  const chars = [...text.replace(/[^\p{Script=Han}]/gu, ' ')];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++)
    if (chars[i] !== ' ' && chars[i + 1] !== ' ') out.add(chars[i]! + chars[i + 1]!);
  return out;
}

export interface ForeignReason {
  studentNo: string;
  reason: string;
  /** the office the reason sounds like */
  office: string;
}

export function foreignReasons(
  wf: Workflow,
  step: StepDef,
  rows: { studentNo: string; reason?: string | null }[],
): ForeignReason[] {
  const own = new Set([...words(step.name), ...words(step.office)]);
  const others = wf.steps
    .filter((s) => s.key !== step.key)
    .map((s) => ({
      office: s.name,
      clues: [...words(s.name), ...words(s.office)].filter((w) => !own.has(w) && !COMMON.has(w)),
    }));
  const found: ForeignReason[] = [];
  for (const r of rows) {
    if (!r.reason) continue;
    const said = words(r.reason);
    if ([...said].some((w) => own.has(w) && !COMMON.has(w))) continue;
    const other = others.find((o) => o.clues.some((c) => said.has(c)));
    if (other) found.push({ studentNo: r.studentNo, reason: r.reason, office: other.office });
  }
  return found;
}
