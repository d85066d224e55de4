// Feishu's OpenAPI quotas as limiter buckets (app 50/s + 1000/min, 5/s per user and per message) for bot/delivery/limiter.ts.
import type { BucketRule } from '../delivery/limiter.ts';

/** The app-wide buckets every call takes a token from. */
export const APP_KEYS = ['app/s', 'app/min'] as const;
/**
 * What notices and mass sends may take of the app's minute: they stop at 920 spent, so the last 80 are always there
 * for what someone is looking at, and answers may take the whole minute besides: a backlog of 9,000 notices cannot
 * leave a patched card or a 进度 answer waiting for the next minute, and notices fill whatever answers leave.
 */
export const BACKGROUND_KEY = 'app/min-background';
export const userKey = (openId: string) => `user:${openId}`;
export const messageKey = (messageId: string) => `msg:${messageId}`;

/**
 * Feishu's published limits for create / reply / patch / card update / batch_get_id
 * (https://open.feishu.cn/document/server-docs/api-call-guide/frequency-control). The app's windows are counted
 * 250 ms and 2 s longer than Feishu's: a token is counted when granted, and a call granted early but delayed on its way
 * would otherwise arrive inside the same second (or minute) as the ones after it, and be answered 429. The minute is
 * what binds a backlog (1,000 a minute is 16.7 a second), so the longer second costs nothing there.
 */
export function feishuRule(key: string): BucketRule {
  if (key === 'app/s') return { tokens: 50, windowMs: 1250 };
  if (key === 'app/min') return { tokens: 1000, windowMs: 62_000 };
  if (key === BACKGROUND_KEY) return { tokens: 920, windowMs: 62_000, of: 'app/min' };
  // same user 5/s; the same message may be patched 5/s
  if (key.startsWith('user:') || key.startsWith('msg:')) return { tokens: 5, windowMs: 1000 };
  throw new Error(`no rate-limit rule for bucket "${key}"`);
}
