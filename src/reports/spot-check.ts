// The handbook's 抽查: a random sample of a step's decisions with who, when, how and from where.
import type { EntityManager } from '@mikro-orm/postgresql';

export interface SpotCheckRow {
  at: string;
  student_no: string | null;
  student: string | null;
  action: string;
  by: string;
  as_role: string | null;
  source: string | null;
  from_where: string | null;
  reason: string | null;
}

export async function spotCheck(
  em: EntityManager,
  opts: { step: string; sample: number; since?: string },
): Promise<SpotCheckRow[]> {
  const rows = await em.execute<
    {
      at: Date;
      student_no: string | null;
      student: string | null;
      action: string;
      by: string;
      detail: Record<string, unknown>;
    }[]
  >(
    `select e.at, s.student_no, s.name as student, e.action, e.actor_label as by, e.detail
       from audit_event e left join student s on s.id = e.student_id
      where e.step_key = ? and e.outcome = 'applied' and e.student_id is not null and (?::timestamptz is null or e.at >= ?::timestamptz)
      order by random() limit ?`,
    [opts.step, opts.since ?? null, opts.since ?? null, opts.sample],
  );
  return rows
    .map((r) => {
      const d = r.detail;
      const where = [d.platform, d.platform_user_id ?? d.platformUserId, d.ip, d.file].filter(Boolean).join(' ');
      return {
        at: new Date(r.at).toISOString(),
        student_no: r.student_no,
        student: r.student,
        action: r.action,
        by: r.by,
        as_role: (d.as_role as string) ?? null,
        source: (d.source as string) ?? (r.action.startsWith('list.') ? 'list' : null),
        from_where: where || null,
        reason: (d.reason as string) ?? null,
      };
    })
    .sort((a, b) => a.at.localeCompare(b.at));
}
