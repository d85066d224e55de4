// The neutral Card as an HTML fragment for the local web console; bot/console/page.ts styles it and wires its buttons.
import { stateLabel, type Block, type Button, type Card, type Rendered } from '../model.ts';
import { quote, segments } from './text.ts';

/*
 * The contract the console page is written against (keep both in step):
 *   <article class="card tone-T" data-card-type="TYPE"><header class="card-title">…</header><div class="card-body">…</div></article>
 *   text        <p>…</p>  (**bold** -> <strong>, newline -> <br>)
 *   fields      <dl class="fields"><dt>label</dt><dd>value</dd>…</dl>
 *   step        <div class="step state-S"><span class="step-name">…</span><span class="step-state">…</span><ul><li>…</li>…</ul></div>
 *   row         <div class="row" data-row-id="ID"><div class="row-title">…</div><div class="row-lines"><div>…</div>…</div>
 *               then <div class="row-actions">buttons</div>, or <div class="row-result tone-T">…</div> once decided
 *               (followed by its row-actions when a decided row still has buttons: 撤销)</div>
 *   actions     <div class="actions">buttons</div>
 *   checklist   <form class="checklist" data-checklist-id="ID"><label><input type="checkbox" name="selected" value="OPT"> label</label>…
 *               <button … data-checklist="ID">submit</button></form>
 *   bars        <div class="bars"><div class="bars-title">…</div><div class="bar-row"><span class="bar-label">…</span>
 *               <span class="bar tone-T" style="width:NN%"></span><span class="bar-value">N</span></div>…</div>  (NN: share of the largest value)
 *   link        <a class="link" href="URL" target="_blank" rel="noopener">label</a>  (not http(s)/relative: <span class="link">label</span>)
 *   note        <p class="note">…</p>     divider <hr>
 *   button      <button type="button" class="btn btn-STYLE" data-value="JSON" [data-confirm data-confirm-title] [data-input data-placeholder]>label</button>
 * Every element is always present even when empty (an empty <ul>, an empty row-lines), so the page can rely on the shape.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** One escape for text and attribute values alike: quotes too, so no value can close its attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function inline(text: string): string {
  return segments(text)
    .map((s) => (s.bold ? `<strong>${escapeHtml(s.text)}</strong>` : escapeHtml(s.text)))
    .join('')
    .replace(/\r?\n/g, '<br>');
}

/**
 * Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:"), so those are removed
 * before the scheme is read. No scheme at all is a relative link to the console itself, which is fine.
 */
function safeHref(url: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  const squeezed = url.replace(/[\u0000-\u0020\u007f]/g, '');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(squeezed);
  return !scheme || /^https?$/i.test(scheme[1]!);
}

function button(b: Button, extra = ''): string {
  let attrs = ` data-value="${escapeHtml(JSON.stringify(b.value))}"`;
  if (b.confirm)
    attrs += ` data-confirm="${escapeHtml(b.confirm.text)}" data-confirm-title="${escapeHtml(b.confirm.title)}"`;
  if (b.input)
    attrs += ` data-input="${escapeHtml(b.input.name)}" data-placeholder="${escapeHtml(b.input.placeholder)}"`;
  return `<button type="button" class="btn btn-${b.style}"${attrs}${extra}>${escapeHtml(b.label)}</button>`;
}

function block(b: Block, dropped: string[], lang: Card['lang']): string {
  switch (b.kind) {
    case 'text':
      return `<p>${inline(b.text)}</p>`;
    case 'fields':
      return `<dl class="fields">${b.fields.map((f) => `<dt>${escapeHtml(f.label)}</dt><dd>${escapeHtml(f.value)}</dd>`).join('')}</dl>`;
    case 'step':
      return (
        `<div class="step state-${b.state}"><span class="step-name">${escapeHtml(b.name)}</span>` +
        `<span class="step-state">${escapeHtml(stateLabel(b.state, lang))}</span><ul>${[...b.lines, ...(b.more ?? [])].map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul></div>`
      );
    case 'row': {
      // A decided row shows its result, then the buttons it still has (撤销 of one's own decision).
      const actions = `<div class="row-actions">${b.buttons.map((x) => button(x)).join('')}</div>`;
      const tail = b.result
        ? `<div class="row-result tone-${b.result.tone}">${escapeHtml(b.result.text)}</div>${b.buttons.length ? actions : ''}`
        : actions;
      return (
        `<div class="row" data-row-id="${escapeHtml(b.id)}"><div class="row-title">${escapeHtml(b.title)}</div>` +
        `<div class="row-lines">${b.lines.map((l) => `<div>${escapeHtml(l)}</div>`).join('')}</div>${tail}</div>`
      );
    }
    case 'actions':
      return `<div class="actions">${b.buttons.map((x) => button(x)).join('')}</div>`;
    case 'checklist': {
      const id = escapeHtml(b.id);
      const options = b.options.map(
        (o) =>
          `<label><input type="checkbox" name="selected" value="${escapeHtml(o.id)}"> ${escapeHtml(o.label)}</label>`,
      );
      return `<form class="checklist" data-checklist-id="${id}">${options.join('')}${button(b.submit, ` data-checklist="${id}"`)}</form>`;
    }
    case 'bars': {
      // Widths are shares of the longest bar, so the longest fills the row; a zero is an empty bar beside its 0.
      const max = Math.max(0, ...b.bars.map((x) => x.value));
      const rows = b.bars.map((x) => {
        const pct = max > 0 ? Math.round((Math.max(0, x.value) / max) * 100) : 0;
        return (
          `<div class="bar-row"><span class="bar-label">${escapeHtml(x.label)}</span>` +
          `<span class="bar tone-${x.tone}" style="width:${pct}%"></span><span class="bar-value">${x.value}</span></div>`
        );
      });
      return `<div class="bars"><div class="bars-title">${escapeHtml(b.title)}</div>${rows.join('')}</div>`;
    }
    case 'link':
      if (safeHref(b.url))
        return `<a class="link" href="${escapeHtml(b.url)}" target="_blank" rel="noopener">${escapeHtml(b.label)}</a>`;
      dropped.push(
        `link ${quote(b.label)}: only http(s) and relative links are shown as links, not ${quote(b.url, 24)}`,
      );
      return `<span class="link">${escapeHtml(b.label)}</span>`;
    case 'note':
      return `<p class="note">${inline(b.text)}</p>`;
    case 'divider':
      return '<hr>';
  }
}

export function renderHtml(card: Card): Rendered<string> {
  const dropped: string[] = [];
  const body = card.blocks.map((b) => block(b, dropped, card.lang));
  // Newlines only between block elements, where whitespace renders as nothing; they keep golden files readable.
  const payload =
    `<article class="card tone-${card.tone}" data-card-type="${escapeHtml(card.type)}"${card.lang === 'en' ? ' lang="en"' : ''}>\n` +
    `<header class="card-title">${escapeHtml(card.title)}</header>\n` +
    `<div class="card-body">\n${body.join('\n')}\n</div>\n</article>\n`;
  return { payload, dropped };
}
