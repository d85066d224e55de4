// The console page: a person picker, a chat with the bot, cards rendered as HTML whose buttons post taps back.
import { esc } from '../http/escape.ts';

const STYLE = `
*{box-sizing:border-box} body{margin:0;font-family:system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;color:#1f2329;background:#f5f6f7}
header.top{display:flex;gap:12px;align-items:center;padding:10px 16px;background:#fff;border-bottom:1px solid #e5e6eb}
header.top h1{font-size:16px;margin:0 12px 0 0} header.top select{min-width:340px;padding:4px}
.warn{font-size:12px;color:#b26a00} main{max-width:760px;margin:0 auto;padding:16px 16px 110px}
.msg.sys{text-align:center;color:#b26a00;font-size:13px}
.msg{margin:10px 0} .msg.me{text-align:right} .bubble{display:inline-block;background:#3370ff;color:#fff;padding:6px 12px;border-radius:12px}
footer{position:fixed;bottom:0;left:0;right:0;background:#fff;border-top:1px solid #e5e6eb;padding:10px 16px}
footer form{max-width:760px;margin:0 auto;display:flex;gap:8px} footer input{flex:1;padding:8px;font-size:15px}
.quick button,footer button{padding:6px 12px} .quick{max-width:760px;margin:0 auto 6px;display:flex;gap:6px}
.card{background:#fff;border:1px solid #dee0e3;border-radius:8px;max-width:620px;overflow:hidden;text-align:left}
.card-title{padding:10px 14px;font-weight:600;color:#fff} .card-body{padding:10px 14px;font-size:14px;line-height:1.6}
.tone-blue .card-title{background:#3370ff}.tone-green .card-title{background:#34a853}.tone-orange .card-title{background:#f08a24}
.tone-red .card-title{background:#e5484d}.tone-grey .card-title{background:#8f959e}
.step{padding:4px 0;border-bottom:1px dashed #eee} .step-name{font-weight:600;margin-right:8px} .step ul{margin:2px 0 2px 18px;padding:0;color:#646a73}
.state-passed .step-state{color:#34a853}.state-pending .step-state{color:#3370ff}.state-returned .step-state{color:#e5484d}.state-not_applicable .step-state{color:#8f959e}
.row{display:flex;flex-wrap:wrap;align-items:center;gap:6px;padding:6px 0;border-bottom:1px solid #f0f0f0}
.row-title{font-weight:600;min-width:150px}.row-lines{flex:1;color:#646a73;font-size:13px}
.row-result{font-size:13px;padding:2px 8px;border-radius:4px;background:#f2f3f5}.row-result.tone-green{color:#1e7e34}.row-result.tone-red{color:#c62828}.row-result.tone-orange{color:#b26a00}
.btn{border:1px solid #dee0e3;background:#fff;border-radius:6px;padding:4px 12px;cursor:pointer}.btn-primary{background:#3370ff;color:#fff;border-color:#3370ff}.btn-danger{color:#e5484d;border-color:#e5484d}
.actions{margin-top:8px;display:flex;gap:8px} .note{color:#8f959e;font-size:12px} dl.fields{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:0}
dl.fields dt{color:#8f959e}
.bars{margin:6px 0}.bars-title{font-size:13px;color:#646a73}.bar-row{display:flex;align-items:center;gap:6px;font-size:12px}
.bar-label{width:170px;text-align:right;color:#646a73}.bar{display:inline-block;height:10px;border-radius:3px;background:#3370ff;min-width:2px}
.bar.tone-orange{background:#f08a24}.bar.tone-red{background:#e5484d}.bar.tone-green{background:#34a853}.bar.tone-grey{background:#8f959e} #toast{position:fixed;top:60px;left:50%;transform:translateX(-50%);padding:8px 16px;border-radius:6px;color:#fff;display:none}
`;

const SCRIPT = `
const $ = (s) => document.querySelector(s);
// One chat per person, kept while the operator is someone else: switching back shows what they saw and what came since.
let me = null;
const chats = new Map();
async function api(path, body) {
  const r = await fetch(path, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {});
  const j = await r.json();
  if (!r.ok) throw new Error(j.error || r.status);
  return j;
}
function add(html, mine, into) {
  const d = document.createElement('div');
  d.className = 'msg' + (mine ? ' me' : '');
  if (mine) { const b = document.createElement('span'); b.className = 'bubble'; b.textContent = html; d.append(b); } else d.innerHTML = html;
  (into || chats.get(me).el).append(d);
  if (!d.closest('[hidden]')) d.scrollIntoView({ block: 'end' });
  return d;
}
function hint(text) {
  const d = document.createElement('div');
  d.className = 'msg sys'; d.textContent = text;
  $('#log').append(d); d.scrollIntoView({ block: 'end' });
}
function toast(t) {
  if (!t) return;
  const el = $('#toast'); el.textContent = t.text; el.style.background = { green: '#34a853', red: '#e5484d', orange: '#f08a24' }[t.tone] || '#3370ff';
  el.style.display = 'block'; clearTimeout(el.t); el.t = setTimeout(() => (el.style.display = 'none'), 2500);
}
async function say(text) {
  if (!text) return;
  if (!me) {
    hint('请先在上方“选择身份”中选一个人（学生或工作人员），再发送消息。');
    $('#who').focus();
    return false;
  }
  const chat = chats.get(me);
  add(text, true, chat.el);
  const { cards } = await api('/console/api/say', { person: me, text });
  cards.forEach((c) => add(c, false, chat.el));
  return true;
}
/** Notices for one person since the last one shown in their chat (the first time: all the console kept for them). */
async function inbox(id) {
  const chat = chats.get(id);
  const r = await api('/console/api/inbox?person=' + id + '&after=' + chat.after).catch(() => ({ items: [] }));
  for (const m of r.items) if (m.seq > chat.after) { chat.after = m.seq; add(m.card, false, chat.el); }
}
document.addEventListener('click', async (e) => {
  const b = e.target.closest('button[data-value]');
  if (!b) return;
  const body = { person: me, value: JSON.parse(b.dataset.value) };
  if (b.dataset.confirm && !confirm(b.dataset.confirm)) return;
  if (b.dataset.input) {
    const v = prompt(b.dataset.placeholder || b.dataset.input);
    if (v === null) return;
    body.input = { [b.dataset.input]: v };
  }
  if (b.dataset.checklist) body.selected = [...b.closest('form').querySelectorAll('input[name=selected]:checked')].map((i) => i.value);
  const holder = b.closest('.msg');
  try {
    const r = await api('/console/api/tap', body);
    holder.innerHTML = r.card; toast(r.toast);
  } catch (err) { toast({ tone: 'red', text: String(err.message) }); }
});
async function poll() {
  if (me) await inbox(me);
  setTimeout(poll, 1500);
}
async function start() {
  const people = await api('/console/api/people');
  const sel = $('#who');
  for (const kind of ['staff', 'student']) {
    const g = document.createElement('optgroup'); g.label = kind === 'staff' ? '工作人员' : '学生';
    for (const p of people.filter((x) => x.kind === kind)) { const o = new Option(p.name + ' · ' + p.detail, p.id); g.append(o); }
    sel.append(g);
  }
  sel.addEventListener('change', async () => {
    const id = Number(sel.value);
    if (!id) return;
    for (const c of chats.values()) c.el.hidden = true;
    if (!chats.has(id)) {
      const el = document.createElement('div'); el.className = 'chat'; el.dataset.person = String(id);
      chats.set(id, { el, after: 0 });
    }
    const chat = chats.get(id);
    chat.el.hidden = false;
    $('#log').append(chat.el); // the chat in view is the last one, below any hint
    me = id;
    add('您现在是：' + sel.selectedOptions[0].text, true, chat.el);
    await inbox(id); // what came while they were not in view
  });
  $('#say').addEventListener('submit', async (e) => {
    e.preventDefault();
    const t = $('#text').value.trim();
    if (await say(t) !== false) $('#text').value = '';
  });
  document.querySelectorAll('.quick button').forEach((b) => b.addEventListener('click', () => say(b.textContent)));
  poll();
}
start();
`;

export function consolePage(title: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)} · 控制台</title><style>${STYLE}</style></head>
<body><header class="top"><h1>离校助手 · 本地控制台</h1><select id="who" aria-label="以谁的身份"><option value="">选择身份…</option></select>
<a href="/console/progress">进度总览</a><span class="warn">控制台可以冒充任何人，只应在本机使用。</span></header>
<main id="log"></main><div id="toast"></div>
<footer><div class="quick"><button type="button">进度</button><button type="button">待办</button><button type="button">帮助</button></div>
<form id="say"><input id="text" placeholder="发送消息，例如：进度、待办、查 202301001、通过 202301001 202301002" autocomplete="off"><button>发送</button></form></footer>
<script>${SCRIPT}</script></body></html>`;
}
