// The platform-neutral card: what the bot shows, before any platform's format. Renderers turn it into Feishu, WeCom or HTML.
import { t, type Lang } from './i18n/index.ts';

export type Tone = 'blue' | 'green' | 'orange' | 'red' | 'grey';

/** What a button sends back when tapped. Values are untrusted on return: handlers re-read everything from the database. */
export type ActionValue = Record<string, string | number>;

export interface Button {
  label: string;
  style: 'primary' | 'danger' | 'default';
  value: ActionValue;
  /** asked before the tap is sent */
  confirm?: { title: string; text: string };
  /** the tap carries a short text the person types first (a return's reason) */
  input?: { name: string; placeholder: string };
}

export type StepState = 'pending' | 'passed' | 'returned' | 'not_applicable';

export type Block =
  /**
   * a paragraph; **bold** is the only markup. `detail`: what a platform with little room for text (WeCom: 160
   * characters) may leave out, because the card's other blocks already say what matters.
   */
  | { kind: 'text'; text: string; detail?: boolean }
  /** label / value pairs */
  /** label / value pairs; `short`: the label where a platform allows few characters (WeCom: 5) */
  | { kind: 'fields'; fields: { label: string; value: string; short?: string }[] }
  /** one workflow step of a student's status: `lines` say what matters (a reason), `more` the details (where, whom to call) */
  | { kind: 'step'; name: string; state: StepState; lines: string[]; more?: string[] }
  /** one student in a staff list, with buttons or, once decided, the result */
  | {
      kind: 'row';
      id: string;
      title: string;
      lines: string[];
      buttons: Button[];
      result?: { tone: Tone; text: string };
    }
  /** buttons under the content */
  | { kind: 'actions'; buttons: Button[] }
  /** several students chosen with checkboxes, then one submit (WeCom's way of passing a list) */
  | { kind: 'checklist'; id: string; options: { id: string; label: string }[]; submit: Button }
  /** a bar chart: one bar per label, e.g. open students per step (Feishu draws a chart, WeCom text bars, the console CSS bars) */
  | { kind: 'bars'; title: string; bars: { label: string; value: number; tone: Tone }[] }
  | { kind: 'link'; label: string; url: string }
  | { kind: 'note'; text: string; detail?: boolean }
  | { kind: 'divider' };

export interface Card {
  /** what the card is, for logs, golden files and in-place updates */
  type: string;
  title: string;
  tone: Tone;
  /** one line for notifications and clients that cannot show cards */
  summary: string;
  blocks: Block[];
  /** a list card's page and the clearances it shows, so a platform can update every copy when one of them changes */
  shows?: { page: number; clearanceIds: number[] };
  /** the language its words are in (Chinese when absent): renderers word their own few words (a state, "Link") in it */
  lang?: Lang;
  /**
   * The same card in the other language, block for block, for a reader whose language is not on file: Feishu then
   * carries both and its client shows the viewer's own (card JSON 2.0 i18n_content); other platforms show `lang`.
   */
  alt?: Card;
}

/** What a renderer made, and what it had to leave out (a test keeps this empty for every card we send). */
export interface Rendered<T> {
  payload: T;
  dropped: string[];
}

/** A state's label in Chinese (staff cards); `stateLabel` for a card's own language. */
export const STATE_LABEL: Record<StepState, string> = {
  pending: t('zh', 'state.pending'),
  passed: t('zh', 'state.passed'),
  returned: t('zh', 'state.returned'),
  not_applicable: t('zh', 'state.not_applicable'),
};

export const stateLabel = (state: StepState, lang: Lang = 'zh') => t(lang, `state.${state}`);
