// One pending student as a card row or a checkbox label, with every imported text cut to a bounded length so a page's size is known.
import type { Block, Button, Tone } from '../model.ts';

export interface PendingRow {
  clearanceId: number;
  version: number;
  studentNo: string;
  name: string;
  college: string;
  campus: string | null;
  stepName: string;
  state: 'pending' | 'returned';
  reason?: string | null;
  amount?: string | null;
  /** an open row the viewer returned themself: 撤销 (on this version) beside 通过 / 退回 */
  undo?: number;
}

/** What happened to a row just now; `undo` is the version a 撤销 of the viewer's own decision acts on. */
export interface RowOutcome {
  tone: Tone;
  text: string;
  undo?: number;
}

/**
 * The longest each imported text may be on a row (characters). Names, colleges and reasons come from CSV files, so without a
 * bound one long reason could push a page past Feishu's 30 KB; the whole text stays on the student's status card.
 */
export const ROW_TEXT = {
  studentNo: 16,
  name: 16,
  college: 16,
  campus: 8,
  stepName: 16,
  reason: 30,
  amount: 12,
} as const;

// eslint-disable-next-line no-control-regex -- control characters are what clip removes
const CONTROL = /[\u0000-\u001f\u007f]/;

/** At most `max` characters (code points, as platforms count 字), control characters removed, a cut marked with …. */
export function clip(text: string, max: number): string {
  // most texts are short and clean: no need to split them into code points (a card clips a hundred of them)
  if (text.length <= max && !CONTROL.test(text)) return text;
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  const chars = [...text.replace(/[\u0000-\u001f\u007f]/g, ' ')];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** The card's reference to a row: clearance id and the version it showed (a tap on an older version changes nothing). */
export const ref = (r: PendingRow) => `${r.clearanceId}.${r.version}`;

/** Beside its row the word is enough; in a bare list of buttons (checklist layout: WeCom) it names the student. */
const undoButton = (r: PendingRow, version: number, named: boolean): Button => ({
  label: named ? clip(`撤销 ${r.name}`, 10) : '撤销',
  style: 'default',
  value: { a: 'undo', c: r.clearanceId, v: version },
});

/** `undoable`: whether this row's 撤销 fits on the card (a decided row of the viewer's own shows one). */
export function rowBlock(r: PendingRow, result?: RowOutcome, undoable = true, named = false): Block {
  const lines = [
    `${clip(r.college, ROW_TEXT.college)} · ${clip(r.campus ?? '校区未填', ROW_TEXT.campus)} · ${clip(r.stepName, ROW_TEXT.stepName)}`,
  ];
  const reason = clip(r.reason ?? '', ROW_TEXT.reason);
  if (r.state === 'returned') lines.push(`已退回：${reason}，学生补办后可通过`);
  else if (r.reason) lines.push(`名单原因：${reason}${r.amount ? `（${clip(r.amount, ROW_TEXT.amount)} 元）` : ''}`);
  const buttons: Button[] = result
    ? result.undo !== undefined && undoable
      ? [undoButton(r, result.undo, named)]
      : []
    : [
        { label: '通过', style: 'primary', value: { a: 'pass', c: r.clearanceId, v: r.version } },
        {
          label: '退回',
          style: 'danger',
          value: { a: 'return', c: r.clearanceId, v: r.version },
          input: { name: 'reason', placeholder: '退回原因（学生会看到）' },
        },
        ...(r.undo !== undefined && undoable ? [undoButton(r, r.undo, named)] : []),
      ];
  const title = `${clip(r.studentNo, ROW_TEXT.studentNo)} ${clip(r.name, ROW_TEXT.name)}`;
  return { kind: 'row', id: `r${r.clearanceId}`, title, lines, buttons, result };
}

/**
 * A checkbox option's text, at most 17 characters (WeCom vote_interaction, "建议不超过17个字",
 * developer.work.weixin.qq.com/document/path/90236): the student number whole, then what tells rows apart (退回, or the step
 * when the page holds several), then as much of the name as is left.
 */
export const OPTION_CHARS = 17;
export function optionLabel(r: PendingRow, withStep: boolean): string {
  const tag = [withStep ? clip(r.stepName, 4) : '', r.state === 'returned' ? '退回' : ''].filter(Boolean).join('·');
  const head = clip(r.studentNo, 12);
  const room = OPTION_CHARS - [...head].length - 1 - (tag ? [...tag].length + 1 : 0);
  const name = room >= 2 ? clip(r.name, room) : '';
  return [head, name, tag].filter(Boolean).join(' ');
}
