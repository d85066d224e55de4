// The demo season: a few colleges, students on every campus, staff for every step, some work already done.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workflow } from '../workflow/schema.ts';
import { importStudents } from '../imports/students.ts';
import { importStaff } from '../imports/staff.ts';
import { importList } from '../imports/lists.ts';
import { decide } from '../decisions/decide.ts';

const COLLEGES = ['计算机学院', '机械与运载工程学院', '经济与工商管理学院', '建筑城规学院'];
const CAMPUSES = ['A区', 'B区', '虎溪'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋';
const GIVEN = ['子涵', '欣怡', '浩然', '梓萱', '宇轩', '思远', '雨桐', '俊杰', '佳怡', '一鸣', '若曦', '博文'];

export function demoStudentsCsv(): string {
  const lines = ['student_no,name,college,campus,degree,exit_type,deadline,email'];
  for (let i = 0; i < 24; i++) {
    const no = `20230${String(1001 + i)}`;
    const name = SURNAMES[i % SURNAMES.length]! + GIVEN[i % GIVEN.length]!;
    const exit = i === 22 ? '结业' : i === 23 ? '退学' : '毕业';
    lines.push(
      `${no},${name},${COLLEGES[i % 4]},${CAMPUSES[i % 3]},${i % 5 === 0 ? '博士' : '硕士'},${exit},2027-06-${String(20 + (i % 10)).padStart(2, '0')},${no}@stu.example.edu.cn`,
    );
  }
  return lines.join('\n') + '\n';
}

export function demoStaffCsv(): string {
  const rows = ['name,role,step,college,campus,email'];
  COLLEGES.forEach((c, i) => {
    rows.push(`教务秘书${i + 1},handler,academic_secretary,${c},,secretary${i + 1}@example.edu.cn`);
    rows.push(`工作组老师${i + 1},handler,student_work,${c},,studentwork${i + 1}@example.edu.cn`);
    rows.push(`党委老师${i + 1},handler,party,${c},,party${i + 1}@example.edu.cn`);
    rows.push(`学院管理员${i + 1},college_admin,,${c},,collegeadmin${i + 1}@example.edu.cn`);
  });
  rows.push(
    '财务处 周老师,handler,finance,*,,finance@example.edu.cn',
    '贷款中心 吴老师,handler,loan,*,,loan@example.edu.cn',
    '图书馆 郑老师,handler,library,*,,library@example.edu.cn',
    '公寓A区 王老师,handler,dormitory,*,A区,dorm-a@example.edu.cn',
    '公寓B区 冯老师,handler,dormitory,*,B区,dorm-b@example.edu.cn',
    '公寓虎溪 陈老师,handler,dormitory,*,虎溪,dorm-hx@example.edu.cn',
    '校医院 褚老师,handler,hospital,*,,hospital@example.edu.cn',
    '服务中心 卫老师,handler,grad_service,*,,service@example.edu.cn',
    '一卡通 蒋老师,handler,campus_card,*,,card@example.edu.cn',
    '研工办 沈老师,handler,grad_office,*,,office@example.edu.cn',
    '研究生院 韩老师,school_admin,,,,school@example.edu.cn',
  );
  return rows.join('\n') + '\n';
}

/** Loads the demo season; refuses a database that already has students. */
export async function loadDemoSeason(em: EntityManager, wf: Workflow): Promise<{ students: number }> {
  const [count] = await em.execute<{ n: string }[]>('select count(*) as n from student');
  if (Number(count?.n) > 0)
    throw new Error('the database already holds a season; the demo loads only into an empty database');
  const summary = await importStudents(em, wf, demoStudentsCsv(), 'demo-students.csv');
  await importStaff(em, wf, demoStaffCsv(), 'demo-staff.csv');
  const has = (key: string) => wf.steps.some((s) => s.key === key);
  if (has('finance'))
    await importList(em, wf, {
      step: 'finance',
      mode: 'block',
      text: 'student_no,reason,amount\n202301002,学费欠费,4500\n202301007,住宿费欠费,1200\n',
      file: 'demo-arrears.csv',
      actorLabel: 'demo',
    });
  const [librarian] = await em.execute<{ id: number; name: string }[]>(
    "select id, name from person where email = 'library@example.edu.cn'",
  );
  if (has('library') && librarian)
    await decide(em, wf, {
      actor: { kind: 'person', personId: librarian.id, name: librarian.name },
      stepKey: 'library',
      decision: 'pass',
      source: 'card',
      items: ['202301001', '202301003', '202301004'].map((studentNo) => ({ studentNo })),
    });
  return { students: summary.rows };
}
