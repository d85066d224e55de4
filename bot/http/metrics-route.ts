// GET /metrics: Prometheus text, off unless configured (404), and behind a bearer token when one is set (401).
import type Router from '@koa/router';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../../src/config.ts';
import { METRICS_CONTENT_TYPE, scrapeMetrics } from '../../src/metrics/scrape.ts';
import type { RequestState } from './request-context.ts';
import { stepForToken } from '../api/bearer.ts';

export function metricsRoute(router: Router<RequestState>, deps: { orm: MikroORM; config: Config }): void {
  const { on, token } = deps.config.metrics;
  if (!on) return; // not routed: 404, as for any path the service does not have
  const tokens = new Map(token ? [[token, 'metrics']] : []);
  router.get('/metrics', async (ctx) => {
    if (token && !stepForToken(ctx.get('authorization'), tokens)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
      ctx.body = { error: 'a bearer token is required (LIXIAO_METRICS_TOKEN)' };
      return;
    }
    ctx.type = METRICS_CONTENT_TYPE;
    ctx.body = await scrapeMetrics(deps.orm);
  });
}
