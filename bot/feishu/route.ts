// POST /feishu/webhook: our own route around the SDK's dispatcher: raw body, checks first, 200 with JSON for what we accept.
import type Router from '@koa/router';
import type * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../../src/log.ts';
import { readRawBody } from '../http/read-json.ts';
import type { RequestState } from '../http/request-context.ts';
import { FeishuRequestError, verifyFeishuRequest, type FeishuSecrets } from './verify.ts';
import { answerJson } from './events.ts';
import { metrics, refusalReason } from '../../src/metrics/metrics.ts';

export interface FeishuRouteDeps {
  log: Logger;
  secrets: FeishuSecrets;
  dispatcher: lark.EventDispatcher;
}

export function feishuWebhookRoute(router: Router<RequestState>, deps: FeishuRouteDeps): void {
  router.post('/feishu/webhook', async (ctx) => {
    const raw = await readRawBody(ctx);
    let verified;
    try {
      verified = verifyFeishuRequest(
        raw,
        {
          timestamp: ctx.get('x-lark-request-timestamp'),
          nonce: ctx.get('x-lark-request-nonce'),
          signature: ctx.get('x-lark-signature'),
        },
        deps.secrets,
      );
    } catch (e) {
      if (!(e instanceof FeishuRequestError)) throw e;
      ctx.state.log.warn({ why: e.message }, 'feishu request refused');
      metrics.refused('feishu', refusalReason(e.message));
      ctx.status = e.status;
      ctx.body = { error: e.message };
      return;
    }
    if (verified.kind === 'challenge') {
      ctx.body = { challenge: verified.challenge };
      return;
    }
    const body = verified.body;
    const type: string = body.header?.event_type ?? body.type ?? 'unknown';
    const eventId: string | undefined = body.header?.event_id ?? body.uuid;
    // built only when something goes wrong: a child logger on every tap costs more than the log line it would carry
    const log = () => ctx.state.log.child({ feishuEvent: type, eventId });
    const work = deps.dispatcher.invoke(body, { needCheck: false });
    if (type === 'card.action.trigger') {
      // The dispatcher answers within its budget (events.ts); a failure still owes the user an answer, never a non-200.
      try {
        const out = await work;
        const answer = out && typeof out === 'object' ? out : {};
        const json = answerJson(answer);
        if (json) ctx.type = 'application/json';
        ctx.body = json ?? answer;
      } catch (e) {
        log().error({ err: e }, 'card tap failed');
        ctx.body = { toast: { type: 'error', content: '系统繁忙，没有办成，请稍后再试' } };
      }
      return;
    }
    try {
      const out = await work;
      ctx.body = out && typeof out === 'object' ? out : {};
    } catch (e) {
      // Not acted on and not claimed: a 500 makes Feishu deliver it again (15 s, 5 min, 1 h, 6 h), and dedupe keeps it to once.
      log().error({ err: e }, 'feishu event failed; Feishu will retry it');
      ctx.status = 500;
      ctx.body = { error: 'temporarily unable to handle the event' };
    }
  });
}
