// GET /approval/status/:ref: the student's status card as a page, the link every approval task and instance carries.
import type Router from '@koa/router';
import { renderHtml } from '../../../cards/render/html.ts';
import { studentStatusCard } from '../../../handlers/chat/status.ts';
import type { Deps } from '../../../handlers/index.ts';
import type { RequestState } from '../../http/request-context.ts';
import { esc } from '../../http/escape.ts';
import { studentOfRef } from './status-link.ts';

const STYLE = `body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;max-width:42rem;margin:1rem auto;padding:0 1rem;color:#1f2329}
.card{border:1px solid #dee0e3;border-radius:8px;overflow:hidden}.card-title{font-weight:600;padding:.75rem 1rem;background:#f5f6f7}
.card-body{padding:.5rem 1rem}button{display:none}`;

export function approvalStatusRoute(router: Router<RequestState>, deps: Deps, secret: string): void {
  router.get('/approval/status/:ref', async (ctx) => {
    ctx.set('Cache-Control', 'private, no-store');
    ctx.set('Referrer-Policy', 'no-referrer');
    // Shown inside Feishu's approval center, which frames it: no X-Frame-Options here.
    const studentNo = studentOfRef(secret, ctx.params.ref ?? '');
    // A staff member's view with no steps of their own: statuses only, no reasons, amounts or form link.
    const card = studentNo && (await studentStatusCard(deps, { em: deps.orm.em.fork(), me: null }, studentNo, []));
    if (!card) {
      ctx.status = 404;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = '链接无效或学生记录已删除。';
      return;
    }
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(card.title)}</title><style>${STYLE}</style></head><body>${renderHtml(card).payload}</body></html>`;
  });
}
