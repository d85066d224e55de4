// Feishu card JSON 2.0 as documented, for the components and properties our renderer uses, plus the rules a schema cannot say.
//
// Sources:
// - structure, limits and counting: https://open.feishu.cn/document/feishu-cards/card-json-v2-structure
//   ("卡片中的元素（如 tag 为 plain_text 的文本元素）或组件不超过 200 个"; the body at most 30 KB, error 230025 at
//   im/v1/message/create; 230099 / 11310 when an element exceeds the limit, 200673 when a callback answer is refused)
// - 2.0 refuses properties it does not know and the 1.0 `action` module (error 200861): every object below is closed
// - element_id: letters, digits and underscores, starting with a letter, at most 20 characters, unique in the card
// - forms: a form sits at the card's root, its interactive components are named (unique in the card) and its buttons
//   submit; a confirm dialog is documented to fire on a form's submit button, so a confirm elsewhere is refused here
// - per-component i18n (JSON 2.0 has no global i18n_elements): `i18n_content` beside `content`, keyed by the locales
//   of `config.locales` (https://open.feishu.cn/document/feishu-cards/configure-multi-language-content)
import { Ajv } from 'ajv';

const LOCALES = ['zh_cn', 'en_us'];
const i18nContent = {
  type: 'object',
  propertyNames: { enum: LOCALES },
  additionalProperties: { type: 'string' },
  minProperties: 1,
};
const plainText = {
  type: 'object',
  properties: { tag: { const: 'plain_text' }, content: { type: 'string' }, i18n_content: i18nContent },
  required: ['tag', 'content'],
  additionalProperties: false,
};
const elementId = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,19}$' };
const name = { type: 'string', minLength: 1 };
const component = (tag: string, properties: Record<string, object>, required: string[] = []) => ({
  type: 'object',
  properties: { tag: { const: tag }, element_id: elementId, ...properties },
  required: ['tag', ...required],
  additionalProperties: false,
});
const list = (ref: string) => ({ type: 'array', items: { $ref: ref } });

const markdown = component('markdown', { content: { type: 'string' }, i18n_content: i18nContent }, ['content']);
const hr = component('hr', {});
const chart = component('chart', { chart_spec: { type: 'object' } }, ['chart_spec']);
const button = component(
  'button',
  {
    name,
    text: plainText,
    type: {
      enum: [
        'default',
        'primary',
        'danger',
        'text',
        'primary_text',
        'danger_text',
        'primary_filled',
        'danger_filled',
        'laser',
      ],
    },
    form_action_type: { enum: ['submit', 'reset'] },
    behaviors: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { type: { const: 'callback' }, value: { type: 'object' } },
        required: ['type', 'value'],
        additionalProperties: false,
      },
    },
    confirm: {
      type: 'object',
      properties: { title: plainText, text: plainText },
      required: ['title', 'text'],
      additionalProperties: false,
    },
  },
  ['text'],
);
const input = component('input', { name, placeholder: plainText, required: { type: 'boolean' } }, ['name']);
const multiSelect = component(
  'multi_select_static',
  {
    name,
    placeholder: plainText,
    width: { anyOf: [{ enum: ['default', 'fill'] }, { type: 'string', pattern: '^\\d+px$' }] },
    required: { type: 'boolean' },
    options: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { text: plainText, value: { type: 'string' } },
        required: ['text', 'value'],
        additionalProperties: false,
      },
    },
  },
  ['name', 'options'],
);
const column = component(
  'column',
  {
    width: { anyOf: [{ enum: ['auto', 'weighted'] }, { type: 'string', pattern: '^\\d+px$' }] },
    weight: { type: 'integer', minimum: 1, maximum: 5 },
    vertical_align: { enum: ['top', 'center', 'bottom'] },
    elements: list('#/definitions/inColumn'),
  },
  ['elements'],
);
const columnSet = component(
  'column_set',
  {
    flex_mode: { enum: ['none', 'stretch', 'flow', 'bisect', 'trisect'] },
    columns: { type: 'array', items: column },
  },
  ['columns'],
);
const form = component('form', { name, elements: list('#/definitions/inForm') }, ['name', 'elements']);

/** One of the listed components, chosen by its tag (so an unknown tag such as `action` is one error, not six). */
const oneByTag = (parts: object[]) => ({
  type: 'object',
  properties: { tag: { type: 'string' } },
  required: ['tag'],
  discriminator: { propertyName: 'tag' },
  oneOf: parts,
});

export const FEISHU_CARD_SCHEMA = {
  type: 'object',
  definitions: {
    inBody: oneByTag([markdown, hr, chart, button, columnSet, form]),
    inForm: oneByTag([markdown, button, input, multiSelect, columnSet]),
    inColumn: oneByTag([markdown, button]),
  },
  properties: {
    schema: { const: '2.0' },
    config: {
      type: 'object',
      properties: {
        update_multi: { type: 'boolean' },
        locales: { type: 'array', items: { enum: LOCALES }, uniqueItems: true, minItems: 1 },
        summary: {
          type: 'object',
          properties: { content: { type: 'string' }, i18n_content: i18nContent },
          required: ['content'],
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    header: {
      type: 'object',
      properties: {
        title: plainText,
        template: {
          enum: [
            'blue',
            'wathet',
            'turquoise',
            'green',
            'yellow',
            'orange',
            'red',
            'carmine',
            'violet',
            'purple',
            'indigo',
            'grey',
            'default',
          ],
        },
      },
      required: ['title'],
      additionalProperties: false,
    },
    body: {
      type: 'object',
      properties: { elements: list('#/definitions/inBody') },
      required: ['elements'],
      additionalProperties: false,
    },
  },
  required: ['schema', 'body'],
  additionalProperties: false,
};

export const MAX_ELEMENTS = 200;
export const MAX_BYTES = 30_000;
/**
 * Containers (form, column_set, column) on any path. How deeply Feishu lets containers nest is not in the notes this
 * project verified, so our cards are held to the 3 levels they need (a form > a column_set > a column) and no deeper.
 */
export const MAX_CONTAINER_DEPTH = 3;
const CONTAINERS = new Set(['form', 'column_set', 'column']);

const ajv = new Ajv({ allErrors: true, strict: true, discriminator: true });
const validate = ajv.compile(FEISHU_CARD_SCHEMA);

type Obj = Record<string, unknown>;

/** Every tagged object with the tags above it, skipping chart specs (VChart data, not card elements). */
function walk(v: unknown, visit: (o: Obj, above: string[]) => void, above: string[] = []): void {
  if (Array.isArray(v)) return v.forEach((x) => walk(x, visit, above));
  if (!v || typeof v !== 'object') return;
  const o = v as Obj;
  const tag = typeof o.tag === 'string' ? o.tag : undefined;
  if (tag) visit(o, above);
  for (const [key, x] of Object.entries(o)) if (key !== 'chart_spec') walk(x, visit, tag ? [...above, tag] : above);
}

/** Everything wrong with a card, as Feishu documents it; empty when the card would be taken. */
export function feishuProblems(card: unknown): string[] {
  const problems: string[] = [];
  if (!validate(card))
    for (const e of validate.errors ?? []) problems.push(`schema: ${e.instancePath || '/'} ${e.message}`);
  const bytes = Buffer.byteLength(JSON.stringify(card));
  if (bytes > MAX_BYTES) problems.push(`size: ${bytes} bytes, at most ${MAX_BYTES}`);
  let elements = 0;
  const ids: string[] = [];
  const names: string[] = [];
  walk(card, (o, above) => {
    elements++;
    const inForm = above.includes('form');
    if (typeof o.element_id === 'string') ids.push(o.element_id);
    if (typeof o.name === 'string') names.push(o.name);
    const depth = above.filter((t) => CONTAINERS.has(t)).length + (CONTAINERS.has(String(o.tag)) ? 1 : 0);
    if (depth > MAX_CONTAINER_DEPTH) problems.push(`nesting: ${[...above, o.tag].join(' > ')}`);
    if (o.tag === 'action') problems.push('tag "action" does not exist in card JSON 2.0 (200861)');
    if (o.tag === 'form' && above.length) problems.push(`form inside ${above.join(' > ')}: forms sit at the root`);
    if (o.tag === 'form' && !JSON.stringify(o.elements ?? []).includes('"form_action_type":"submit"'))
      problems.push(`form ${String(o.name)}: no submit button`);
    if (['input', 'multi_select_static'].includes(String(o.tag)) && !inForm)
      problems.push(`${String(o.tag)} ${String(o.name)}: outside a form`);
    if (o.tag === 'button') {
      if (inForm && !o.name) problems.push(`button ${JSON.stringify(o.text)} in a form: no name`);
      if (inForm && !o.form_action_type)
        problems.push(`button ${JSON.stringify(o.text)} in a form: neither submits nor resets`);
      if (!inForm && o.form_action_type)
        problems.push(`button ${JSON.stringify(o.text)}: form_action_type outside a form`);
      if (o.confirm && o.form_action_type !== 'submit')
        problems.push(`button ${JSON.stringify(o.text)}: a confirm fires only on a form's submit button`);
    }
  });
  if (elements > MAX_ELEMENTS) problems.push(`elements: ${elements}, at most ${MAX_ELEMENTS}`);
  for (const dup of [ids, names].flatMap((all) => all.filter((x, i) => all.indexOf(x) !== i)))
    problems.push(`element_id / name ${dup} is not unique`);
  for (const n of names)
    if (!/^[A-Za-z][A-Za-z0-9_]{0,19}$/.test(n)) problems.push(`name ${n}: letters, digits, _; a letter first; <= 20`);
  return problems;
}

/** Tagged objects in the card, counted as Feishu documents it. */
export function feishuElements(card: unknown): number {
  let n = 0;
  walk(card, () => n++);
  return n;
}
