// WeCom's template_card of message/send as documented, for the three card types we send, plus the rules a schema cannot say.
//
// Source: https://developer.work.weixin.qq.com/document/path/90236 (发送应用消息, 模板卡片消息).
// - Hard limits: button_list at most 6; checkbox option_list 1-20; horizontal_content_list at most 6; jump_list at most 3;
//   task_id only digits, letters and "_-@", at most 128 bytes, required by the interactive types; a button's key at most
//   1,024 bytes and unique; an option id at most 128 bytes and unique; text_notice needs card_action; style 1-4.
// - Recommended lengths ("建议不超过N个字", characters): main_title.title 36, main_title.desc 44, sub_title_text 160,
//   horizontal_content_list keyname 5 and value 30, jump_list title 18, button text 10, checkbox option text 17.
//   The page does not say what WeCom does with longer text; we hold every card to them.
import { Ajv } from 'ajv';

const closed = (properties: Record<string, object>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength });
const key = { type: 'string', minLength: 1 };
const taskId = { type: 'string', pattern: '^[0-9A-Za-z_\\-@]{1,128}$' };
const mainTitle = closed({ title: text(36), desc: text(44) });
const subTitle = text(160);
const horizontal = {
  type: 'array',
  maxItems: 6,
  items: closed(
    { keyname: text(5), value: text(30), type: { enum: [0, 1] }, url: { type: 'string', pattern: '^https?://' } },
    ['keyname'],
  ),
};
const url = { type: 'string', pattern: '^https?://' };

const textNotice = closed(
  {
    card_type: { const: 'text_notice' },
    main_title: mainTitle,
    sub_title_text: subTitle,
    horizontal_content_list: horizontal,
    jump_list: {
      type: 'array',
      maxItems: 3,
      items: closed({ type: { enum: [0, 1] }, title: text(18), url }, ['title']),
    },
    card_action: closed({ type: { enum: [1, 2] }, url }, ['type']),
    task_id: taskId,
  },
  ['card_type', 'card_action'],
);
const buttonInteraction = closed(
  {
    card_type: { const: 'button_interaction' },
    main_title: mainTitle,
    sub_title_text: subTitle,
    horizontal_content_list: horizontal,
    task_id: taskId,
    button_list: {
      type: 'array',
      minItems: 1,
      maxItems: 6,
      items: closed({ text: text(10), style: { enum: [1, 2, 3, 4] }, key }, ['text', 'key']),
    },
  },
  ['card_type', 'main_title', 'task_id', 'button_list'],
);
const voteInteraction = closed(
  {
    card_type: { const: 'vote_interaction' },
    main_title: mainTitle,
    task_id: taskId,
    checkbox: closed(
      {
        question_key: key,
        mode: { enum: [0, 1] },
        option_list: {
          type: 'array',
          minItems: 1,
          maxItems: 20,
          items: closed({ id: key, text: text(17), is_checked: { type: 'boolean' } }, ['id', 'text']),
        },
      },
      ['question_key', 'option_list'],
    ),
    submit_button: closed({ text: text(10), key }, ['key']),
  },
  ['card_type', 'main_title', 'task_id', 'checkbox', 'submit_button'],
);

export const WECOM_CARD_SCHEMA = {
  type: 'object',
  properties: { card_type: { type: 'string' } },
  required: ['card_type'],
  discriminator: { propertyName: 'card_type' },
  oneOf: [textNotice, buttonInteraction, voteInteraction],
};

const ajv = new Ajv({ allErrors: true, strict: true, discriminator: true });
const validate = ajv.compile(WECOM_CARD_SCHEMA);
const bytes = (s: string) => Buffer.byteLength(s);

type Obj = Record<string, any>;

/** Everything wrong with a template_card, as WeCom documents it; empty when the card keeps every documented rule. */
export function wecomProblems(card: Obj): string[] {
  const problems: string[] = [];
  if (!validate(card))
    for (const e of validate.errors ?? []) problems.push(`schema: ${e.instancePath || '/'} ${e.message}`);
  if (card.card_type === 'text_notice' && !card.main_title?.title && !card.sub_title_text)
    problems.push('text_notice: main_title.title or sub_title_text is required');
  for (const f of card.horizontal_content_list ?? [])
    if (f.type === 1 && !f.url) problems.push(`horizontal_content_list ${f.keyname}: type 1 needs a url`);
  const keys: string[] = [
    ...(card.button_list ?? []).map((b: Obj) => b.key),
    ...(card.submit_button ? [card.submit_button.key] : []),
  ];
  for (const k of keys) if (bytes(k) > 1024) problems.push(`key of ${bytes(k)} bytes, at most 1024`);
  if (new Set(keys).size !== keys.length) problems.push('button keys are not unique');
  const ids: string[] = (card.checkbox?.option_list ?? []).map((o: Obj) => o.id);
  for (const id of ids) if (bytes(id) > 128) problems.push(`option id of ${bytes(id)} bytes, at most 128`);
  if (new Set(ids).size !== ids.length) problems.push('option ids are not unique');
  if (card.checkbox && bytes(card.checkbox.question_key) > 1024) problems.push('question_key over 1024 bytes');
  return problems;
}
