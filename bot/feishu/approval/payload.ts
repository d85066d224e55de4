// The approval center's request bodies: the definition (三方审批定义) and one student's full instance snapshot.
// Field names and shapes: https://open.feishu.cn/document/server-docs/approval-v4/external_approval/create and
// https://open.feishu.cn/document/server-docs/approval-v4/external_instance/create
import type { Snapshot, SnapshotTask } from '../../../src/approval/state.ts';

type Texts = { key: string; value: string }[];
interface I18nResource {
  locale: 'zh-CN' | 'en-US';
  is_default: boolean;
  texts: Texts;
}

export interface DefinitionOptions {
  customCode: string;
  publicUrl: string;
  token: string;
  key?: string;
}

/** Keys must start with @i18n@ and be at least 9 characters long. */
const K = {
  name: '@i18n@lixiao_name',
  group: '@i18n@lixiao_group',
  biz: '@i18n@lixiao_biz',
  description: '@i18n@lixiao_desc',
  formNo: '@i18n@lixiao_f_no',
};

export const CALLBACK_PATH = '/feishu/approval/callback';

/** The whole definition every time: an update resets the fields it leaves out. */
export function definitionPayload(o: DefinitionOptions): Record<string, unknown> {
  return {
    approval_name: K.name,
    approval_code: o.customCode,
    group_code: 'lixiao',
    group_name: K.group,
    description: K.description,
    external: {
      biz_name: K.biz,
      biz_type: 'lixiao',
      create_link_pc: o.publicUrl,
      create_link_mobile: o.publicUrl,
      support_pc: true,
      support_mobile: true,
      support_batch_read: false,
      enable_mark_readed: false,
      enable_quick_operate: true,
      action_callback_url: `${o.publicUrl}${CALLBACK_PATH}`,
      action_callback_token: o.token,
      ...(o.key ? { action_callback_key: o.key } : {}),
      allow_batch_operate: false,
      exclude_efficiency_statistics: false,
    },
    // nobody starts a clearance from the 发起 page: students are imported
    viewers: [{ viewer_type: 'NONE' }],
    i18n_resources: [
      {
        locale: 'zh-CN',
        is_default: true,
        texts: [
          { key: K.name, value: '研究生离校' },
          { key: K.group, value: '研究生院' },
          { key: K.biz, value: '离校助手' },
          { key: K.description, value: '研究生离校手续：各部门审核' },
        ],
      },
      {
        locale: 'en-US',
        is_default: false,
        texts: [
          { key: K.name, value: 'Graduate departure clearance' },
          { key: K.group, value: 'Graduate School' },
          { key: K.biz, value: 'Clearance bot' },
          { key: K.description, value: "Graduate departure clearance: each office's check" },
        ],
      },
    ],
  };
}

/** Feishu's complete_reason values for a closed task. */
const COMPLETE_REASON: Record<string, string> = { approved: 'approved', rejected: 'rejected' };

const ms = (n: number) => String(n);
const stepKey = (step: string) => `@i18n@lixiao_n_${step}`;

function taskPayload(t: SnapshotTask, link: string): Record<string, unknown> {
  return {
    task_id: t.taskId,
    open_id: t.openId,
    title: stepKey(t.stepKey),
    links: { pc_link: link, mobile_link: link },
    status: t.status,
    create_time: ms(t.createTime),
    end_time: ms(t.endTime),
    update_time: ms(t.updateTime),
    // echoed back by the quick-approval callback: names the task however the action was taken
    action_context: JSON.stringify({ task: t.taskId }),
    action_configs: [
      { action_type: 'APPROVE' },
      { action_type: 'REJECT', is_need_reason: true, is_reason_required: true },
    ],
    node_id: t.stepKey,
    node_name: stepKey(t.stepKey),
    generate_type: 'DEFAULT',
    ...(t.status === 'PENDING'
      ? {}
      : { extra: JSON.stringify({ complete_reason: COMPLETE_REASON[t.completeReason ?? ''] ?? 'done' }) }),
  };
}

/** One student's instance with every task it ever had (REPLACE deletes whatever the payload leaves out). */
export function instancePayload(approvalCode: string, s: Snapshot, link: string): Record<string, unknown> {
  const title = `@i18n@lixiao_t_${s.studentNo}`;
  const noValue = `@i18n@lixiao_v_${s.studentNo}`;
  const tasks = s.tasks.filter((t) => t.openId);
  const steps = [...new Map(tasks.map((t) => [t.stepKey, t.stepName])).entries()];
  const zh: Texts = [
    { key: title, value: `离校审核-${s.studentName}` },
    { key: K.formNo, value: '学号' },
    { key: noValue, value: s.studentNo },
    ...steps.map(([k, name]) => ({ key: stepKey(k), value: name })),
  ];
  const en: Texts = [
    { key: title, value: `Departure clearance - ${s.studentName}` },
    { key: K.formNo, value: 'Student number' },
  ];
  const i18n: I18nResource[] = [
    { locale: 'zh-CN', is_default: true, texts: zh },
    { locale: 'en-US', is_default: false, texts: en },
  ];
  return {
    approval_code: approvalCode,
    instance_id: s.instanceId,
    status: s.status,
    links: { pc_link: link, mobile_link: link },
    title,
    form: [{ name: K.formNo, value: noValue }],
    open_id: s.studentOpenId,
    start_time: ms(s.startTime),
    end_time: ms(s.endTime),
    update_time: ms(s.updateTime),
    update_mode: 'REPLACE',
    task_list: tasks.map((t) => taskPayload(t, link)),
    i18n_resources: i18n,
  };
}

/** What `external_instances/check` compares: each instance's and task's update_time. */
export function checkItem(s: {
  instanceId: string;
  updateTime: number;
  tasks: { taskId: string; updateTime: number }[];
}) {
  return {
    instance_id: s.instanceId,
    update_time: ms(s.updateTime),
    tasks: s.tasks.map((t) => ({ task_id: t.taskId, update_time: ms(t.updateTime) })),
  };
}
