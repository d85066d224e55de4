// The long connection (FEISHU_MODE=ws): the SDK's WSClient with the same dispatcher, for campuses without a public URL.
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../../src/log.ts';

export function startFeishuLongConnection(
  cfg: { appId: string; appSecret: string; baseUrl: string },
  dispatcher: lark.EventDispatcher,
  log: Logger,
): { close: () => void } {
  if (!/^cli_[0-9a-f]{16}$/.test(cfg.appId))
    log.warn(
      { appId: cfg.appId },
      'FEISHU_APP_ID does not look like cli_ + 16 hex digits: the SDK silently refuses to connect',
    );
  const ws = new lark.WSClient({
    appId: cfg.appId,
    appSecret: cfg.appSecret,
    domain: cfg.baseUrl,
    autoReconnect: true,
    loggerLevel: lark.LoggerLevel.warn,
  });
  void ws.start({ eventDispatcher: dispatcher });
  log.info('feishu long connection started');
  return { close: () => ws.close({ force: true }) };
}
