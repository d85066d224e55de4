// The Feishu approval center (三方审批), assembled: queue tasks, the change listener, the callback and status routes.
import type Router from '@koa/router';
import type { TaskList } from 'graphile-worker';
import type { Config } from '../../../src/config.ts';
import type { Logger } from '../../../src/log.ts';
import type { Deps } from '../../../handlers/index.ts';
import type { ChangeListener } from '../../../src/queue/worker.ts';
import { approvalChangeListener } from '../../../src/approval/jobs.ts';
import type { RequestState } from '../../http/request-context.ts';
import type { FeishuApi } from '../api.ts';
import { approvalApi, type ApprovalApi } from './api.ts';
import { approvalCallbackRoute } from './callback.ts';
import { approvalStatusRoute } from './status-page.ts';
import { approvalTaskList, type ApprovalTaskDeps } from './tasks.ts';

export type ApprovalConfig = NonNullable<NonNullable<Config['feishu']>['approval']>;

export interface FeishuApproval {
  api: ApprovalApi;
  taskDeps: ApprovalTaskDeps;
  tasks: TaskList;
  listener: ChangeListener;
  routes: (router: Router<RequestState>) => void;
}

export function createApproval(
  cfg: ApprovalConfig,
  feishuApi: FeishuApi,
  deps: Deps,
  log: Logger,
  opts: { debounceMs?: number } = {},
): FeishuApproval {
  const api = approvalApi(feishuApi);
  const taskDeps: ApprovalTaskDeps = {
    orm: deps.orm,
    wf: deps.wf,
    api,
    log: log.child({ platform: 'feishu', part: 'approval' }),
    publicUrl: deps.publicUrl,
    customCode: cfg.customCode,
    secret: cfg.token,
  };
  return {
    api,
    taskDeps,
    tasks: approvalTaskList(taskDeps),
    listener: approvalChangeListener(deps.orm, opts.debounceMs),
    routes: (router) => {
      approvalCallbackRoute(router, {
        orm: deps.orm,
        wf: deps.wf,
        log,
        timeZone: deps.timeZone,
        token: cfg.token,
        key: cfg.key,
      });
      approvalStatusRoute(router, deps, cfg.token);
    },
  };
}
