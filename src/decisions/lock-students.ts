// The one lock around the final gate: whatever passes a gated step or re-opens a step others wait for takes its
// students' rows first, in id order, so that such changes to one student run one after the other.
import type { EntityManager } from '@mikro-orm/postgresql';
import { prepared } from '../db/prepared.ts';
import { pgIntArray, pgTextArray } from '../db/pg-array.ts';

// FOR NO KEY UPDATE: it serializes these changes without blocking inserts that only reference the student.
export async function lockStudents(
  em: EntityManager,
  students: { ids: number[] } | { numbers: string[] },
): Promise<void> {
  if ('ids' in students)
    await prepared(em, 'select 1 from student where id = any(?::int[]) order by id for no key update', [
      pgIntArray(students.ids),
    ]);
  else
    await prepared(em, 'select 1 from student where student_no = any(?::text[]) order by id for no key update', [
      pgTextArray(students.numbers),
    ]);
}
