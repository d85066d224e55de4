// Purges a closed season: its students' personal data goes, the aggregate report and an anonymised audit trail stay.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workflow } from '../workflow/schema.ts';
import { insertAudit } from '../audit/insert-audit.ts';
import { pgIntArray, pgTextArray } from '../db/pg-array.ts';
import { progressReport, type ProgressRow } from '../reports/progress.ts';
import { SeasonError } from './season-error.ts';
import { readCommitted } from '../db/retry.ts';

export interface PurgeSummary {
  season: string;
  students: number;
  /** students who still had a step open (purged only with includeOpen) */
  open: number;
  clearances: number;
  /** people removed: the students' own records, unless the person also holds a staff assignment */
  people: number;
  /** audit rows kept with the student and any reason or amount taken out */
  auditAnonymised: number;
  /** card copies that showed the season's students: removed, or (another person's list) trimmed of them */
  cards: number;
  /** queued messages to the season's students that were never sent */
  queuedSends: number;
}

/** What the season keeps once purged: `lixiao report --season` prints it. */
export interface KeptReport {
  students: number;
  purged_at: string;
  rows: ProgressRow[];
}

// Audit details that may carry personal data: a return's reason, an arrears amount, a student number.
const PERSONAL_DETAIL = ['reason', 'amount', 'student_no'];

export async function purgeSeason(
  em: EntityManager,
  wf: Workflow,
  label: string,
  opts: { includeOpen?: boolean } = {},
): Promise<PurgeSummary> {
  return readCommitted(em, async (t) => {
    // Only the tables' owner may take the students out of the audit trail: asked first, so nothing is done in vain.
    const [owner] = await t.execute<{ ok: boolean }[]>(
      `select pg_has_role(current_user, c.relowner, 'MEMBER') as ok from pg_class c where c.oid = 'audit_event'::regclass`,
    );
    if (!owner?.ok) throw new SeasonError(NOT_OWNER);
    const [season] = await t.execute<{ id: number; purged_at: string | null }[]>(
      'select id, purged_at from season where label = ? for update',
      [label],
    );
    if (!season) throw new SeasonError(`no season "${label}"`);
    if (season.purged_at)
      throw new SeasonError(
        `season ${label} was already purged on ${new Date(season.purged_at).toISOString().slice(0, 10)}`,
      );
    const students = await t.execute<{ id: number; student_no: string; person_id: number; open: boolean }[]>(
      `select s.id, s.student_no, s.person_id, exists (select 1 from clearance c where c.student_id = s.id and c.status in ('pending', 'returned')) as open
         from student s where s.season_id = ? for update`,
      [season.id],
    );
    const open = students.filter((s) => s.open).length;
    if (open && !opts.includeOpen)
      throw new SeasonError(
        `season ${label} still has ${open} students with steps open; purge them too with --include-open`,
      );
    const report: KeptReport = {
      students: students.length,
      purged_at: new Date().toISOString(),
      rows: await progressReport(t, wf, undefined, season.id),
    };
    const ids = pgIntArray(students.map((s) => s.id));
    const clearanceIds = pgIntArray(
      (await t.execute<{ id: number }[]>('select id from clearance where student_id = any(?::int[])', [ids])).map(
        (c) => c.id,
      ),
    );
    const personIds = (
      await t.execute<{ id: number }[]>(
        'select person_id as id from student s where s.id = any(?::int[]) and not exists (select 1 from assignment a where a.person_id = s.person_id)',
        [ids],
      )
    ).map((p) => p.id);
    const people = pgIntArray(personIds);

    // Card copies of the purged people go; other people's copies forget the purged rows (and go if nothing is left).
    const [gone] = await t.execute<{ n: number }[]>(
      'with d as (delete from delivered_card where person_id = any(?::int[]) or clearance_ids <@ ?::int[] returning 1) select count(*)::int as n from d',
      [people, clearanceIds],
    );
    const [trimmed] = await t.execute<{ n: number }[]>(
      `with u as (update delivered_card set clearance_ids = array(select x from unnest(clearance_ids) as x where x <> all(?::int[])), updated_at = now()
                   where clearance_ids && ?::int[] returning 1) select count(*)::int as n from u`,
      [clearanceIds, clearanceIds],
    );
    // Idempotent API answers name the students they decided (kept 7 days for replays): a hash join of their rows'
    // numbers with the season's, not a pattern per student per answer.
    await t.execute(
      `delete from api_request a where (a.step_key, a.idempotency_key) in (
         select q.step_key, q.idempotency_key from api_request q
          cross join lateral jsonb_array_elements(case when jsonb_typeof(q.response->'results') = 'array' then q.response->'results' else '[]' end) r
           join unnest(?::text[]) as n(no) on n.no = r->>'student_no')`,
      [pgTextArray(students.map((s) => s.student_no))],
    );
    // Messages queued for these students and not yet taken by the worker would carry their names out after the purge.
    // graphile-worker keeps queued jobs in its _private_jobs table (version pinned in package.json).
    const [queued] = await t.execute<{ n: number }[]>(
      `with d as (delete from graphile_worker._private_jobs where locked_at is null and (payload->>'personId') ~ '^[0-9]+$'
                    and (payload->>'personId')::int = any(?::int[]) returning 1) select count(*)::int as n from d`,
      [people],
    );
    const [deleted] = await t.execute<{ n: number }[]>(
      'with d as (delete from clearance where student_id = any(?::int[]) returning 1) select count(*)::int as n from d',
      [ids],
    );
    // The purged students' audit rows lose the student first (the trail keeps no foreign key, but a row naming a
    // deleted student would be a dangling reference), last of all the locks this purge takes: row locks on old rows only.
    const auditAnonymised = await anonymiseAudit(t, ids);
    // What batches recorded of these rows (their state before and after each import or list) is personal data too.
    await t.execute(
      `delete from batch_change where (table_name = 'student' and row_id = any(?::int[]))
          or (table_name = 'clearance' and row_id = any(?::int[])) or (table_name = 'person' and row_id = any(?::int[]))`,
      [ids, clearanceIds, people],
    );
    await t.execute('delete from student where id = any(?::int[])', [ids]);
    await t.execute('delete from person where id = any(?::int[])', [people]);
    await t.execute('update season set purged_at = now(), report = ? where id = ?', [
      JSON.stringify(report),
      season.id,
    ]);
    const summary: PurgeSummary = {
      season: label,
      students: students.length,
      open,
      clearances: deleted!.n,
      people: personIds.length,
      auditAnonymised,
      cards: gone!.n + trimmed!.n,
      queuedSends: queued!.n,
    };
    await insertAudit(t, { actorPersonId: null, actorLabel: 'admin', action: 'season.purge', stepKey: null }, [
      { outcome: 'applied', studentId: null, detail: { ...summary } },
    ]);
    return summary;
  });
}

const NOT_OWNER =
  'purge must run as the owner of the tables (the role that runs migrations), not as the application role';

/**
 * The one sanctioned change to the append-only trail: the purged students' rows lose the student and any personal
 * detail, and stay as counts of who decided what and when. The trail's trigger lets exactly this change through for
 * the tables' owner, for this transaction only (lixiao.anonymise): unlike lifting the guard (ALTER TABLE ... DISABLE
 * TRIGGER, which locks the table against every decision's insert until the commit), it locks only the rows it changes.
 */
async function anonymiseAudit(t: EntityManager, studentIds: string): Promise<number> {
  await t.execute(`select set_config('lixiao.anonymise', 'on', true)`);
  try {
    const [row] = await t.execute<{ n: number }[]>(
      `with a as (update audit_event set student_id = null, detail = detail - ?::text[]
                   where student_id = any(?::int[]) returning 1) select count(*)::int as n from a`,
      [`{${PERSONAL_DETAIL.join(',')}}`, studentIds],
    );
    return row!.n;
  } catch (e) {
    if ((e as { code?: string }).code === '42501') throw new SeasonError(NOT_OWNER);
    throw e;
  } finally {
    await t.execute(`select set_config('lixiao.anonymise', 'off', true)`).catch(() => undefined);
  }
}
