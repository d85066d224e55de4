// Deadline cards: a college admin's daily digest with its nudge button, the school admins' weekly escalation, a student's reminder.
import type { Block, Card, Tone } from '../model.ts';
import { formatDate, translator, type Lang } from '../i18n/index.ts';

/** One step of a college's digest (src/reports/overdue.ts CollegeDigest fits this view). */
export interface DigestStepView {
  step: string;
  name: string;
  open: number;
  overdue: number;
  near: number;
}

export interface OverdueStudentView {
  studentNo: string;
  name: string;
  deadline: string;
  openSteps: string[];
}

export interface CollegeDigestView {
  college: string;
  /** workflow order, steps with open students only */
  perStep: DigestStepView[];
  /** the overdue students shown (the report caps them at 20) */
  overdue: OverdueStudentView[];
  overdueTotal: number;
  openStudents: number;
  /** steps whose every handler for the waiting students is away with nobody covering (src/reports/unattended.ts) */
  unattended?: { name: string; people: string[]; waiting: number }[];
}

export interface OfficeBacklogView {
  step: string;
  name: string;
  overdue: number;
  open: number;
}

export interface ReminderView {
  name: string;
  deadline: string;
  /** deadline - today in days; negative once the deadline has passed */
  daysLeft: number;
  openSteps: string[];
  /** the student's language (Chinese when absent) */
  lang?: Lang;
}

const LIST_MAX = 20;

export function collegeDigestCard(
  d: CollegeDigestView,
  opts: { nudge?: { step: string; name: string; open: number }; progressUrl?: string } = {},
): Card {
  // What matters first (WeCom shows 160 characters of text): the busiest offices and their overdue students; the chart,
  // the students near their deadline and the overdue list are details a platform with little room leaves out.
  const busiest = [...d.perStep].sort((a, b) => b.open - a.open).slice(0, 3);
  const blocks: Block[] = [
    {
      kind: 'fields',
      fields: [
        { label: '待办理学生', value: String(d.openStudents) },
        { label: '已逾期', value: String(d.overdueTotal) },
      ],
    },
  ];
  // Before anything else: students nobody can take until someone is named to stand in.
  if (d.unattended?.length)
    blocks.push({
      kind: 'text',
      text: `**无人办理：**\n${d.unattended.map((u) => `${u.name}：${u.people.join('、')} 休假中，无人代理，${u.waiting} 人等待`).join('\n')}`,
    });
  if (busiest.length)
    blocks.push({
      kind: 'text',
      text: `**待办理最多：**${busiest.map((s) => `${s.name} ${s.open} 人${s.overdue ? `（逾期 ${s.overdue}）` : ''}`).join('、')}`,
    });
  blocks.push({
    kind: 'bars',
    title: '各环节待办理人数',
    // Orange marks the offices holding students past their deadline, so the chart shows where to look first.
    bars: d.perStep.map((s) => ({ label: s.name, value: s.open, tone: s.overdue > 0 ? 'orange' : 'blue' })),
  });
  const near = d.perStep.filter((s) => s.near > 0);
  if (near.length)
    blocks.push({
      kind: 'note',
      text: `临近截止：${near.map((s) => `${s.name} ${s.near} 人`).join('、')}`,
      detail: true,
    });
  const shown = d.overdue.slice(0, LIST_MAX);
  if (shown.length)
    blocks.push({
      kind: 'text',
      text: `**逾期学生（${d.overdueTotal} 人）**\n${shown.map((s) => `${s.studentNo} ${s.name} · 截止 ${s.deadline} · 未办：${s.openSteps.join('、')}`).join('\n')}`,
      detail: true,
    });
  if (d.overdueTotal > shown.length)
    blocks.push({ kind: 'note', text: `另有 ${d.overdueTotal - shown.length} 名逾期学生`, detail: true });
  if (opts.progressUrl) blocks.push({ kind: 'link', label: '各学院各环节进度', url: opts.progressUrl });
  if (opts.nudge)
    // The tap carries only the step: the handler re-reads the admin's college and the office's open students before sending anything.
    blocks.push({
      kind: 'actions',
      buttons: [{ label: nudgeLabel(opts.nudge.name), style: 'primary', value: { a: 'nudge', step: opts.nudge.step } }],
    });
  const summary = `${d.openStudents} 名学生待办理，${d.overdueTotal} 名已逾期`;
  const tone: Tone = d.openStudents === 0 ? 'green' : d.overdueTotal > 0 ? 'orange' : 'blue';
  return { type: 'college_digest', title: `${d.college} 离校进度日报`, tone, summary, blocks };
}

/** A button says whom it nudges in at most 10 characters (WeCom: "按钮文案，建议不超过10个字"); the text above names the office. */
function nudgeLabel(office: string): string {
  const label = `提醒${office}`;
  return [...label].length <= 10 ? label : '提醒该环节';
}

/** For school admins: overdue students per office, most first as given (src/reports/overdue.ts officeBacklog sorts them). */
export function escalationCard(rows: OfficeBacklogView[], week: string): Card {
  const late = rows.filter((r) => r.overdue > 0);
  const top = [...late].sort((a, b) => b.overdue - a.overdue).slice(0, 3);
  const blocks: Block[] = [
    {
      kind: 'text',
      text: top.length
        ? `**逾期最多：**${top.map((r) => `${r.name}（${r.overdue} 人，待办理 ${r.open} 人）`).join('、')}`
        : '本周各环节都没有逾期学生。',
    },
    {
      kind: 'bars',
      title: '各环节逾期学生人数',
      bars: rows.map((r) => ({ label: r.name, value: r.overdue, tone: r.overdue > 0 ? 'red' : 'grey' })),
    },
  ];
  const summary = late.length
    ? `${late.length} 个环节有逾期学生，最多的是${top[0]!.name}（${top[0]!.overdue} 人）`
    : '各环节都没有逾期学生';
  return {
    type: 'escalation',
    title: `各环节逾期情况（${week}）`,
    tone: late.length ? 'orange' : 'green',
    summary,
    blocks,
  };
}

/** A student's reminder: what is left and how long until the deadline (the status card has the places and phones). */
export function reminderCard(v: ReminderView): Card {
  const lang = v.lang ?? 'zh';
  const t = translator(lang);
  const days = Math.abs(v.daysLeft);
  const when =
    v.daysLeft > 0
      ? t('reminder.days_left', { count: days })
      : v.daysLeft === 0
        ? t('reminder.today')
        : t('reminder.overdue', { count: days });
  const tone: Tone = v.daysLeft < 0 ? 'red' : v.daysLeft <= 3 ? 'orange' : 'blue';
  const count = v.openSteps.length;
  const blocks: Block[] = [
    { kind: 'text', text: t('reminder.deadline', { name: v.name, deadline: formatDate(lang, v.deadline), when }) },
    { kind: 'text', text: t('reminder.open', { count, steps: v.openSteps.join('\n') }) },
    { kind: 'note', text: t('reminder.see_status'), detail: true },
  ];
  return {
    type: 'reminder',
    lang,
    title: t('reminder.title', { when }),
    tone,
    summary: t('reminder.summary', { when, count }),
    blocks,
  };
}
