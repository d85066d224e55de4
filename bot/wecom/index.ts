// WeCom, assembled: the API client, the callback handler, delivery and card redraws.
import type { Config } from '../../src/config.ts';
import type { Logger } from '../../src/log.ts';
import type { Deps } from '../../handlers/index.ts';
import type { CardSender, ChangeListener } from '../../src/queue/worker.ts';
import { createWecomApi, type WecomApi } from './api.ts';
import { sharedWecomLimiter } from './shared-limiter.ts';
import { handleWecom } from './events.ts';
import { wecomCopiesListener, wecomSender } from './outbound.ts';
import type { WecomRouteDeps, WecomSecrets } from './route.ts';

export interface Wecom {
  api: WecomApi;
  secrets: WecomSecrets;
  handle: WecomRouteDeps['handle'];
  sender: CardSender;
  listeners: ChangeListener[];
}

export function createWecom(
  cfg: NonNullable<Config['wecom']>,
  deps: Deps,
  log: Logger,
  api: WecomApi = createWecomApi(cfg, log, { limiter: sharedWecomLimiter(deps.orm) }),
): Wecom {
  return {
    api,
    secrets: { corpId: cfg.corpId, token: cfg.token, encodingAesKey: cfg.encodingAesKey },
    handle: (inbound) => handleWecom(deps, log, inbound),
    sender: wecomSender(api, deps, log),
    listeners: [wecomCopiesListener(api, deps, log)],
  };
}
