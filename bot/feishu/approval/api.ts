// The approval center's OpenAPI calls, through the bot's client (same token, rate limiter, retries and timeouts).
import type { FeishuApi } from '../api.ts';

export interface CheckItem {
  instance_id: string;
  update_time: string;
  tasks: { task_id: string; update_time: string }[];
}

export interface ApprovalApi {
  /** creates or updates the definition; returns the approval_code Feishu answers with */
  upsertDefinition(payload: Record<string, unknown>): Promise<string>;
  syncInstance(payload: Record<string, unknown>): Promise<void>;
  /** the instance ids whose state at Feishu differs from what was sent (missing ones included) */
  check(instances: CheckItem[]): Promise<string[]>;
}

const BASE = '/open-apis/approval/v4';

export function approvalApi(api: FeishuApi): ApprovalApi {
  return {
    async upsertDefinition(payload) {
      const res = await api.openApi<{ data?: { approval_code?: string } }>('approval.external_approval.create', {
        method: 'POST',
        url: `${BASE}/external_approvals`,
        params: { department_id_type: 'open_department_id', user_id_type: 'open_id' },
        data: payload,
      });
      const code = res?.data?.approval_code;
      if (!code) throw new Error('feishu approval.external_approval.create: answer without approval_code');
      return code;
    },
    async syncInstance(payload) {
      await api.openApi('approval.external_instance.create', {
        method: 'POST',
        url: `${BASE}/external_instances`,
        data: payload,
      });
    },
    async check(instances) {
      const res = await api.openApi<{ data?: { diff_instances?: { instance_id?: string }[] } }>(
        'approval.external_instance.check',
        { method: 'POST', url: `${BASE}/external_instances/check`, data: { instances } },
      );
      return (res?.data?.diff_instances ?? []).map((d) => String(d.instance_id));
    },
  };
}
