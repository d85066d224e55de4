// The approval definition's code as Feishu returned it: stored once by setup, read by every push.
import type { EntityManager } from '@mikro-orm/postgresql';

export async function storedApprovalCode(em: EntityManager, customCode: string): Promise<string | null> {
  const [row] = await em.execute<{ approval_code: string }[]>(
    'select approval_code from approval_definition where custom_code = ?',
    [customCode],
  );
  return row?.approval_code ?? null;
}

export async function storeApprovalCode(em: EntityManager, customCode: string, approvalCode: string): Promise<void> {
  await em.execute(
    `insert into approval_definition (custom_code, approval_code) values (?, ?)
     on conflict (custom_code) do update set approval_code = excluded.approval_code, updated_at = now()`,
    [customCode, approvalCode],
  );
}
