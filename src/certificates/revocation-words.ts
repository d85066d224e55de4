// Why a certificate was revoked, in the words the student, staff and a verifier read.
import type { Workflow } from '../workflow/schema.ts';

export function revocationWords(reason: string | undefined | null, wf: Workflow): string {
  if (!reason) return '';
  if (reason.startsWith('reopened:')) {
    const key = reason.slice('reopened:'.length);
    return `${wf.steps.find((s) => s.key === key)?.name ?? key}的办理结果被撤销`;
  }
  return (
    { purged: '该届学生数据已清除', superseded: '已签发新的离校证明', not_complete: '离校手续未全部办完' }[reason] ??
    reason
  );
}
