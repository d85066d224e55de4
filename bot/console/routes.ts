// The local web console: act as anyone of the season, chat with the bot, tap the same cards (HTML), see notices and progress.
import type Router from '@koa/router';
import { z } from 'zod';
import { renderHtml } from '../../cards/render/html.ts';
import type { Card } from '../../cards/model.ts';
import { onMessage, onTap, type Caps, type Deps } from '../../handlers/index.ts';
import { seasonPeople } from '../../src/reports/people.ts';
import { progressReport } from '../../src/reports/progress.ts';
import { readJson } from '../http/read-json.ts';
import { fail } from '../http/fail.ts';
import type { RequestState } from '../http/request-context.ts';
import type { ConsoleInbox } from './inbox.ts';
import { consolePage } from './page.ts';
import { consoleGuard } from './guard.ts';
import { progressPage } from './progress-page.ts';

const CAPS: Caps = { layout: 'buttons' };
const person = z.coerce.number().int().positive();
const sayBody = z.object({ person, text: z.string().min(1).max(2000) });
const tapBody = z.object({
  person,
  value: z.record(z.string(), z.union([z.string(), z.number()])),
  input: z.record(z.string(), z.string().max(500)).optional(),
  selected: z.array(z.string().max(40)).max(50).optional(),
});

function html(card: Card): string {
  return renderHtml(card).payload;
}

async function parse<T>(
  schema: z.ZodType<T>,
  ctx: Parameters<Parameters<Router<RequestState>['post']>[1]>[0],
): Promise<T> {
  const r = schema.safeParse(await readJson(ctx));
  if (!r.success) fail(400, r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}

export function consoleRoutes(router: Router<RequestState>, deps: Deps, inbox: ConsoleInbox): void {
  const who = (id: number) => ({ platform: 'console' as const, userId: String(id) });
  router.use(['/console', '/console/api'], consoleGuard);
  router.get('/console', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = consolePage(deps.wf.name);
  });
  router.get('/console/api/people', async (ctx) => {
    ctx.body = await seasonPeople(deps.orm.em.fork(), deps.wf);
  });
  router.post('/console/api/say', async (ctx) => {
    const b = await parse(sayBody, ctx);
    const cards = await onMessage(deps, { who: who(b.person), text: b.text, eventId: ctx.state.requestId }, CAPS);
    ctx.body = { cards: cards.map(html) };
  });
  router.post('/console/api/tap', async (ctx) => {
    const b = await parse(tapBody, ctx);
    const reply = await onTap(
      deps,
      { who: who(b.person), value: b.value, input: b.input, selected: b.selected, eventId: ctx.state.requestId },
      CAPS,
    );
    ctx.body = { card: html(reply.card), toast: reply.toast ?? null };
  });
  router.get('/console/api/inbox', (ctx) => {
    const id = person.safeParse(ctx.query.person);
    if (!id.success) fail(400, 'person must be a person id');
    const after = Number(ctx.query.after ?? 0) || 0;
    ctx.body = { items: inbox.since(id.data, after).map((m) => ({ seq: m.seq, card: html(m.card) })) };
  });
  router.get('/console/progress', async (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = progressPage(deps.wf, await progressReport(deps.orm.em.fork(), deps.wf));
  });
}
