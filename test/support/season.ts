// Builds seasons for tests: students and staff CSV text of any size, and people to act as.
import type { TestDb } from './db.ts';
import { importStudents } from '../../src/imports/students.ts';
import { importStaff } from '../../src/imports/staff.ts';
import type { Actor } from '../../src/decisions/types.ts';

export const COLLEGES = ['计算机学院', '机械与运载工程学院', '经济与工商管理学院'];
export const CAMPUSES = ['A区', 'B区', '虎溪'];

export function studentNo(i: number): string {
  return `2021${String(i).padStart(5, '0')}`;
}

/** n students spread over the colleges and campuses; student i is in college i % 3, campus i % 3. */
export function studentsCsv(n: number, extra: (i: number) => string = () => ''): string {
  const lines = ['student_no,name,college,campus,degree,exit_type,deadline,wecom_userid'];
  for (let i = 0; i < n; i++)
    lines.push(
      `${studentNo(i)},学生${i},${COLLEGES[i % 3]},${CAMPUSES[i % 3]},硕士,毕业,2027-06-30,stu${i}${extra(i)}`,
    );
  return lines.join('\n') + '\n';
}

/** One handler per step for the whole school, college-level handlers per college, admins. */
export const STAFF_CSV = [
  'name,role,step,college,campus,wecom_userid',
  '秘书甲,handler,academic_secretary,计算机学院,,sec-cs',
  '秘书乙,handler,academic_secretary,机械与运载工程学院,,sec-me',
  '工作组甲,handler,student_work,计算机学院,,sw-cs',
  '党委甲,handler,party,计算机学院,,party-cs',
  '财务,handler,finance,*,,finance',
  '贷款,handler,loan,*,,loan',
  '图书馆员,handler,library,*,,library',
  '宿管A,handler,dormitory,*,A区,dorm-a',
  '宿管虎溪,handler,dormitory,*,虎溪,dorm-hx',
  '校医院,handler,hospital,*,,hospital',
  '服务中心,handler,grad_service,*,,service',
  '一卡通,handler,campus_card,*,,card',
  '研工办,handler,grad_office,*,,office',
  '院管甲,college_admin,,计算机学院,,admin-cs',
  '校管,school_admin,,,,admin-school',
].join('\n');

export async function seedSeason(db: TestDb, students: number): Promise<void> {
  const em = db.orm.em.fork();
  await importStudents(em, db.wf, studentsCsv(students), 'students.csv');
  await importStaff(em, db.wf, STAFF_CSV, 'staff.csv');
}

export async function actorFor(db: TestDb, wecomUserid: string): Promise<Actor> {
  const [p] = await db.sql<{ id: number; name: string }>('select id, name from person where wecom_userid = $1', [
    wecomUserid,
  ]);
  if (!p) throw new Error(`no person ${wecomUserid}`);
  return { kind: 'person', personId: p.id, name: p.name };
}
