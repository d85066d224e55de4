// Creates or updates the approval definition and decides which approval_code to keep.
//
// The create doc (https://open.feishu.cn/document/server-docs/approval-v4/external_approval/create): a code that
// matches no definition creates one, and the answer carries the real code, which instances must use; when updating an
// existing definition "该参数返回的 Code 可能与传入的 Code 不同。如果不同，请继续使用你传入的 Code".
import type { EntityManager } from '@mikro-orm/postgresql';
import { storeApprovalCode, storedApprovalCode } from '../../../src/approval/definition.ts';
import type { ApprovalApi } from './api.ts';
import { definitionPayload, type DefinitionOptions } from './payload.ts';

/** What the app must be granted in the developer console (权限管理). */
export const APPROVAL_SCOPES = [
  ['approval:external_approval', 'create and update the approval definition'],
  ['approval:external_instance', 'sync instances and check them (reconciliation)'],
  ['approval:external_task', 'read task status (external_tasks)'],
] as const;

export interface SetupResult {
  created: boolean;
  /** the code pushes use from now on */
  approvalCode: string;
  /** what Feishu answered, when it differs from what is kept */
  answered?: string;
}

export async function setupDefinition(em: EntityManager, api: ApprovalApi, o: DefinitionOptions): Promise<SetupResult> {
  const stored = await storedApprovalCode(em, o.customCode);
  if (!stored) {
    // creation: keep the code Feishu returns, not the one we sent
    const approvalCode = await api.upsertDefinition(definitionPayload(o));
    await storeApprovalCode(em, o.customCode, approvalCode);
    return { created: true, approvalCode };
  }
  // update: send the definition's code; if the answer differs, keep the code we sent
  const answered = await api.upsertDefinition({ ...definitionPayload(o), approval_code: stored });
  return { created: false, approvalCode: stored, ...(answered !== stored ? { answered } : {}) };
}
