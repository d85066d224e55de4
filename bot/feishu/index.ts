// Feishu, assembled: the OpenAPI client, the dispatcher shared by webhook and long connection, delivery and card updates.
import type * as lark from '@larksuiteoapi/node-sdk';
import type { Config } from '../../src/config.ts';
import type { Logger } from '../../src/log.ts';
import type { Deps } from '../../handlers/index.ts';
import type { TaskList } from 'graphile-worker';
import type { CardSender, ChangeListener } from '../../src/queue/worker.ts';
import { createFeishuApi, type FeishuApi } from './api.ts';
import { feishuDispatcher, type CardCallbackAnswer } from './events.ts';
import { FEISHU_PATCH_COPY_TASK, feishuCopiesListener, feishuPatchCopyTask, feishuSender } from './outbound.ts';
import { startFeishuLongConnection } from './ws.ts';
import { sharedFeishuLimiter } from './shared-limiter.ts';
import { createApproval, type FeishuApproval } from './approval/index.ts';

export interface Feishu {
  api: FeishuApi;
  dispatcher: lark.EventDispatcher;
  secrets: { encryptKey?: string; verificationToken?: string };
  sender: CardSender;
  listeners: ChangeListener[];
  /** the queue's tasks of its own (a copy patched once its window has passed) */
  tasks: TaskList;
  /** the approval center, when FEISHU_APPROVAL=on */
  approval?: FeishuApproval;
  /** starts the long connection in ws mode; a no-op for webhook mode */
  start: () => { close: () => void };
}

export function createFeishu(
  cfg: NonNullable<Config['feishu']>,
  deps: Deps,
  log: Logger,
  api: FeishuApi = createFeishuApi(cfg, log, { limiter: sharedFeishuLimiter(deps.orm) }),
  /** seconds a changed list card waits to be patched once with its latest state (0: at every change) */
  copyWindowSec = 0,
): Feishu {
  const secrets = { encryptKey: cfg.encryptKey, verificationToken: cfg.verificationToken };
  const lateUpdate = async (token: string, answer: unknown) => {
    const card = (answer as CardCallbackAnswer | undefined)?.card?.data;
    if (card) await api.updateByToken(token, card);
  };
  const dispatcher = feishuDispatcher(deps, log, secrets, lateUpdate);
  return {
    api,
    dispatcher,
    secrets,
    sender: feishuSender(api, deps, log, copyWindowSec),
    listeners: [feishuCopiesListener(api, deps, log, copyWindowSec)],
    tasks: { [FEISHU_PATCH_COPY_TASK]: feishuPatchCopyTask(api, deps, log) },
    approval: cfg.approval && createApproval(cfg.approval, api, deps, log),
    start: () => (cfg.mode === 'ws' ? startFeishuLongConnection(cfg, dispatcher, log) : { close: () => {} }),
  };
}
