// The supervisors (导师) named in a students file: found among the people on file as staff are, or created once each.
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { BadRow, CsvRow } from './csv.ts';
import { identityFields } from './fields.ts';
import { identityConflicts, type Owner } from './identity-conflicts.ts';

/** The optional student columns that name a supervisor. */
export const supervisorFields = {
  supervisor_name: z.string().max(100, 'is longer than 100 characters').optional(),
  supervisor_no: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, - or _')
    .optional(),
  supervisor_feishu_open_id: identityFields.feishu_open_id,
  supervisor_feishu_user_id: identityFields.feishu_user_id,
  supervisor_wecom_userid: identityFields.wecom_userid,
  supervisor_email: identityFields.email,
  supervisor_mobile: identityFields.mobile,
};

export type SupervisorCells = { [K in keyof typeof supervisorFields]?: string };

interface Supervisor {
  name: string;
  staff_no?: string;
  feishu_open_id?: string;
  feishu_user_id?: string;
  wecom_userid?: string;
  email?: string;
  mobile?: string;
}

/** A row's supervisor, or null when it names none; a supervisor column without a name is the row's mistake. */
export function supervisorOf(v: SupervisorCells): Supervisor | null | 'no_name' {
  const s: Supervisor = {
    name: v.supervisor_name?.trim() ?? '',
    staff_no: v.supervisor_no,
    feishu_open_id: v.supervisor_feishu_open_id,
    feishu_user_id: v.supervisor_feishu_user_id,
    wecom_userid: v.supervisor_wecom_userid,
    email: v.supervisor_email,
    mobile: v.supervisor_mobile,
  };
  const any = Object.values(s).some(Boolean);
  if (!any) return null;
  return s.name ? s : 'no_name';
}

/** The identity that says who a supervisor is, strongest first (工号, then as staff import does); a name is the last resort. */
const KEY_COLUMNS = ['staff_no', 'wecom_userid', 'feishu_user_id', 'feishu_open_id', 'email', 'mobile'] as const;
function personKey(s: Supervisor): { col: (typeof KEY_COLUMNS)[number] | 'name'; value: string } {
  for (const col of KEY_COLUMNS) if (s[col]) return { col, value: s[col] };
  return { col: 'name', value: s.name };
}

export interface SupervisorPlan {
  bad: BadRow[];
  /** saves the supervisors (inside the import's transaction) and gives each row's supervisor person id, by line */
  save: () => Promise<Map<number, number>>;
}

/** Matches each row's supervisor to a person on file (never a student), checking their ids belong to nobody else. */
export async function planSupervisors<T extends SupervisorCells>(
  em: EntityManager,
  rows: CsvRow<T>[],
): Promise<SupervisorPlan> {
  const bad: BadRow[] = [];
  const named: { line: number; s: Supervisor; owner: Owner }[] = [];
  for (const r of rows) {
    const s = supervisorOf(r.value);
    if (s === null) continue;
    if (s === 'no_name') {
      bad.push({ line: r.line, reason: 'supervisor_name is empty while other supervisor columns are set' });
      continue;
    }
    const { col, value } = personKey(s);
    const found = await em.execute<{ id: number }[]>(
      `select p.id from person p where p.${col} = ? and not exists (select 1 from student st where st.person_id = p.id) order by p.id`,
      [value],
    );
    if (found.length > 1) {
      bad.push({
        line: r.line,
        reason: `supervisor ${col === 'staff_no' ? 'supervisor_no' : col} ${value} matches ${found.length} people on file; add supervisor_no or platform ids`,
      });
      continue;
    }
    named.push({ line: r.line, s, owner: { key: `${col}:${value}`, personId: found[0]?.id ?? null } });
  }
  // The same checks as staff: a chat id or 工号 must lead to exactly one person.
  const asRows = named.map((n) => ({ line: n.line, value: n.s }));
  const owners = new Map(asRows.map((r, i) => [r, named[i]!.owner]));
  for (const b of await identityConflicts(em, asRows, (r) => owners.get(r)!))
    bad.push({ line: b.line, reason: `supervisor ${b.reason}` });
  for (const n of named) {
    if (!n.s.staff_no) continue;
    const [held] = await em.execute<{ id: number; name: string }[]>('select id, name from person where staff_no = ?', [
      n.s.staff_no,
    ]);
    if (held && held.id !== n.owner.personId)
      bad.push({ line: n.line, reason: `supervisor_no ${n.s.staff_no} already belongs to ${held.name}` });
  }
  return {
    bad,
    save: async () => {
      const ids = new Map<string, number>();
      const byLine = new Map<number, number>();
      for (const n of named) {
        if (!ids.has(n.owner.key)) ids.set(n.owner.key, await savePerson(em, n.owner.personId, n.s));
        byLine.set(n.line, ids.get(n.owner.key)!);
      }
      return byLine;
    },
  };
}

/** Updates a supervisor on file (a blank identity keeps the stored one) or creates them; returns the id. */
async function savePerson(em: EntityManager, id: number | null, s: Supervisor): Promise<number> {
  const ids = [
    s.feishu_open_id ?? null,
    s.feishu_user_id ?? null,
    s.wecom_userid ?? null,
    s.email ?? null,
    s.mobile ?? null,
    s.staff_no ?? null,
  ];
  if (id) {
    await em.execute(
      `update person set name = ?, feishu_open_id = coalesce(?, feishu_open_id), feishu_user_id = coalesce(?, feishu_user_id),
              wecom_userid = coalesce(?, wecom_userid), email = coalesce(?, email), mobile = coalesce(?, mobile),
              staff_no = coalesce(?, staff_no)
        where id = ? and (name, feishu_open_id, feishu_user_id, wecom_userid, email, mobile, staff_no) is distinct from
              (?, coalesce(?, feishu_open_id), coalesce(?, feishu_user_id), coalesce(?, wecom_userid), coalesce(?, email), coalesce(?, mobile), coalesce(?, staff_no))`,
      [s.name, ...ids, id, s.name, ...ids],
    );
    return id;
  }
  const [row] = await em.execute<{ id: number }[]>(
    'insert into person (name, feishu_open_id, feishu_user_id, wecom_userid, email, mobile, staff_no) values (?, ?, ?, ?, ?, ?, ?) returning id',
    [s.name, ...ids],
  );
  return row!.id;
}
