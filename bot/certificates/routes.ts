// GET /v/keys (the public keys, JWKS) and GET /v/<token> (a certificate checked online: the page, or JSON on request).
import type Router from '@koa/router';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../../src/config.ts';
import type { Workflow } from '../../src/workflow/schema.ts';
import { checkOnline, type OnlineCheck } from '../../src/certificates/check-online.ts';
import { publicKeys } from '../../src/certificates/public-keys.ts';
import { verifyUrl } from '../../src/certificates/issue.ts';
import { studentStatus } from '../../src/reports/student-status.ts';
import type { RequestState } from '../http/request-context.ts';
import { certificatePage, type PageLang } from './page.ts';

/** ?lang=zh|en first, then the verifier's Accept-Language; Chinese, the certificate's own, by default. */
const pageLang = (query: unknown, accepted: string | false): PageLang =>
  query === 'en' || query === 'zh' ? query : accepted === 'en' ? 'en' : 'zh';

// A real token is some 700 characters; anything far longer is not one, and is not worth parsing.
const MAX_TOKEN = 4096;

/** The answer to `Accept: application/json`: the contract's fields first, then the rest of the certificate. */
export function checkJson(check: OnlineCheck) {
  if (check.status === 'invalid')
    return { status: 'invalid', student_no: null, name: null, completed_at: null, reason: check.reason };
  const c = check.claims;
  return {
    status: check.status,
    student_no: c.student_no,
    name: c.name,
    completed_at: c.completed_at,
    college: c.college,
    degree: c.degree,
    exit_type: c.exit_type,
    season: c.season,
    certificate_id: c.jti,
    kid: check.kid,
    issued_at: check.issuedAt,
    ...(check.status === 'revoked' ? { revoked_at: check.revokedAt ?? null, reason: check.revokedReason ?? null } : {}),
  };
}

export function certificateRoutes(
  router: Router<RequestState>,
  deps: { orm: MikroORM; wf: Workflow; config: Config },
): void {
  router.get('/v/keys', async (ctx) => {
    const keys = await publicKeys(deps.orm.em.fork());
    ctx.set('Cache-Control', 'public, max-age=300');
    // Another office's own tools may fetch the keys from a web page of theirs.
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.type = 'application/json';
    ctx.body = { keys };
  });

  router.get('/v/:token', async (ctx) => {
    ctx.state.logPath = '/v/<token>';
    const token = ctx.params.token ?? '';
    const em = deps.orm.em.fork();
    const check: OnlineCheck =
      token.length > MAX_TOKEN
        ? { status: 'invalid', reason: 'too long to be a certificate' }
        : await checkOnline(em, token);
    // The answer changes the moment a step is revoked: nothing may keep it.
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Robots-Tag', 'noindex');
    ctx.vary('Accept');
    ctx.vary('Accept-Language');
    if (ctx.accepts('html', 'json') === 'json') {
      ctx.body = checkJson(check);
      return;
    }
    // Every step, who passed it and when, as the record stands now: the same moment the certificate states.
    const steps =
      check.status === 'valid' ? ((await studentStatus(em, deps.wf, check.claims.student_no))?.steps ?? []) : [];
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = await certificatePage({
      check,
      steps,
      wf: deps.wf,
      url: verifyUrl(deps.config.publicUrl, token),
      timeZone: deps.config.timezone,
      checkedAt: new Date(),
      lang: pageLang(ctx.query.lang, ctx.acceptsLanguages('zh', 'en')),
    });
  });
}
