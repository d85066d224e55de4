// Realistic cards built with the real builders, one of each kind the bot sends; the golden-file tests render every one on every platform.
import {
  batchDoneCard,
  batchPreviewCard,
  collegeDigestCard,
  errorCard,
  escalationCard,
  helpCard,
  noticeCard,
  pendingCard,
  reminderCard,
  statusCard,
  unknownPersonCard,
  type Card,
  type PendingRow,
  type StatusStepView,
} from '../../cards/index.ts';
import { englishFixtures } from './card-fixtures-en.ts';

export type Platform = 'feishu' | 'wecom' | 'html';

export interface CardFixture {
  /** file name stem of the golden files */
  name: string;
  card: Card;
  /**
   * Where handlers send this card. The 'buttons' layout of the pending card is never sent to WeCom
   * (handlers choose 'checklist' there: PendingView.layout), so losses on that pair are expected.
   */
  platforms: Platform[];
}

const ALL: Platform[] = ['feishu', 'wecom', 'html'];
const NOT_WECOM: Platform[] = ['feishu', 'html'];

const step = (
  s: Partial<StatusStepView> & Pick<StatusStepView, 'key' | 'name' | 'state' | 'duties'>,
): StatusStepView => ({ office: s.name, phones: [], ...s });

const status = statusCard({
  studentNo: '202301001',
  name: '李明',
  college: '计算机学院',
  campus: 'A区',
  exitType: '毕业',
  deadline: '2026-06-30',
  formUrl: 'https://lixiao.example.edu.cn/forms/supervisor/Zq3xT9pL2mWc',
  steps: [
    step({
      key: 'academic_secretary',
      name: '学院研究生教务秘书',
      state: 'pending',
      duties: ['收《重庆大学研究生导师准许学生离校确认书》', '验证导师签字', '完清其他手续'],
    }),
    step({
      key: 'student_work',
      name: '学院研究生工作组',
      state: 'passed',
      decidedBy: '张老师',
      decidedAt: '2026-06-02 10:15',
      duties: ['收《毕业生登记表》'],
    }),
    step({
      key: 'party',
      name: '学院党委/党总支',
      state: 'passed',
      decidedBy: '党委办公室',
      decidedAt: '2026-06-03 09:40',
      duties: ['转党组织关系'],
    }),
    step({
      key: 'finance',
      name: '财务处',
      state: 'pending',
      reason: '欠缴学费',
      amount: '2400.00',
      duties: ['查看学生是否有欠费'],
      phones: ['65105869', '65102667'],
    }),
    step({ key: 'loan', name: '国家助学贷款管理中心', state: 'not_applicable', duties: ['完成学生贷款相关手续'] }),
    step({
      key: 'library',
      name: '图书馆',
      state: 'returned',
      reason: '逾期图书 2 本未还，请还书并缴清超期费',
      duties: ['还清退书及超期欠费', '网上提交学位论文'],
      phones: ['65102608'],
    }),
    step({
      key: 'dormitory',
      name: '学生公寓管理中心',
      state: 'passed',
      decidedBy: '王老师',
      decidedAt: '2026-06-05 16:20',
      duties: ['退还寝室钥匙'],
      location: 'A区学生六公寓一楼',
      phones: ['65111348'],
    }),
    step({
      key: 'hospital',
      name: '校医院',
      state: 'passed',
      decidedBy: '校医院',
      decidedAt: '2026-06-01 08:00',
      duties: ['还清欠费'],
      phones: ['65111675'],
    }),
    step({
      key: 'grad_service',
      name: '研究生院研究生教育服务中心',
      state: 'passed',
      decidedBy: '刘老师',
      decidedAt: '2026-06-04 11:05',
      duties: ['还清论文制作欠费'],
    }),
    step({
      key: 'campus_card',
      name: '一卡通管理中心',
      state: 'passed',
      decidedBy: '一卡通管理系统',
      decidedAt: '2026-06-06 00:12',
      duties: ['结算一卡通余额'],
      location: 'A区信息化办公室一楼大厅',
      phones: ['65112096'],
    }),
    step({
      key: 'grad_office',
      name: '研究生院研工办',
      state: 'pending',
      waitsFor: ['学院研究生教务秘书', '财务处', '图书馆'],
      duties: ['注销学生证', '其他离校相关事项'],
      location: 'A区研究生院307室',
      phones: ['65103161'],
    }),
  ],
});

const NAMES = [
  '王芳',
  '张伟',
  '刘洋',
  '陈静',
  '杨帆',
  '赵磊',
  '黄丽',
  '周杰',
  '吴敏',
  '徐婷',
  '孙浩',
  '马超',
  '朱琳',
  '胡军',
  '郭晓',
  '何雨',
  '高峰',
  '林雪',
  '罗斌',
  '谢娜',
];
const COLLEGES = ['计算机学院', '机械与运载工程学院', '经济与工商管理学院', '电气工程学院'];
const CAMPUSES = ['A区', 'B区', '虎溪', null];

/** Twenty students on 财务处's list: most owe an amount, two were returned, one is on no list yet. */
export function financeRows(n: number): PendingRow[] {
  return Array.from({ length: n }, (_, i): PendingRow => {
    const returned = i === 4 || i === 11;
    const base = {
      clearanceId: 1001 + i,
      studentNo: `2023${String(1002 + i).padStart(5, '0')}`,
      name: NAMES[i % NAMES.length]!,
      college: COLLEGES[i % 4]!,
      campus: CAMPUSES[i % 4]!,
      stepName: '财务处',
    };
    if (returned) return { ...base, version: 2, state: 'returned', reason: '请先到财务处窗口缴清住宿费' };
    if (i === 9) return { ...base, version: 1, state: 'pending' };
    return {
      ...base,
      version: 1,
      state: 'pending',
      reason: i % 3 ? '欠缴住宿费' : '欠缴学费',
      amount: i % 3 ? '1200.00' : '2400.00',
    };
  });
}

const rows = financeRows(20);

const OVERDUE_STEPS = [
  ['图书馆'],
  ['图书馆', '学生公寓管理中心'],
  ['学院研究生教务秘书', '图书馆', '学生公寓管理中心'],
  ['学院研究生教务秘书', '财务处', '图书馆', '学生公寓管理中心'],
];

/** 计算机学院 three weeks before the deadline: most students still open, 23 past their own (earlier) deadline. */
const digest = collegeDigestCard(
  {
    college: '计算机学院',
    openStudents: 212,
    overdueTotal: 23,
    perStep: [
      { step: 'academic_secretary', name: '学院研究生教务秘书', open: 96, overdue: 11, near: 8 },
      { step: 'student_work', name: '学院研究生工作组', open: 41, overdue: 0, near: 3 },
      { step: 'party', name: '学院党委/党总支', open: 12, overdue: 0, near: 0 },
      { step: 'finance', name: '财务处', open: 27, overdue: 6, near: 2 },
      { step: 'library', name: '图书馆', open: 180, overdue: 23, near: 14 },
      { step: 'dormitory', name: '学生公寓管理中心', open: 150, overdue: 17, near: 9 },
      { step: 'hospital', name: '校医院', open: 5, overdue: 0, near: 0 },
      { step: 'grad_service', name: '研究生院研究生教育服务中心', open: 33, overdue: 2, near: 1 },
      { step: 'campus_card', name: '一卡通管理中心', open: 64, overdue: 0, near: 5 },
      { step: 'grad_office', name: '研究生院研工办', open: 4, overdue: 1, near: 0 },
    ],
    overdue: NAMES.map((name, i) => ({
      studentNo: `2023${String(2001 + i).padStart(5, '0')}`,
      name,
      deadline: `2026-06-${String(10 + Math.floor(i / 4)).padStart(2, '0')}`,
      openSteps: i === 0 ? ['研究生院研工办'] : OVERDUE_STEPS[i % 4]!,
    })),
  },
  {
    nudge: { step: 'library', name: '图书馆', open: 180 },
    progressUrl: 'https://lixiao.example.edu.cn/console/progress',
  },
);

/** The same morning in August: both librarians away with nobody named, and 校医院's only doctor too. */
const digestAway = collegeDigestCard(
  {
    college: '计算机学院',
    openStudents: 41,
    overdueTotal: 0,
    perStep: [
      { step: 'library', name: '图书馆', open: 38, overdue: 0, near: 2 },
      { step: 'hospital', name: '校医院', open: 5, overdue: 0, near: 0 },
    ],
    overdue: [],
    unattended: [
      { name: '图书馆', people: ['张三', '李四'], waiting: 38 },
      { name: '校医院', people: ['王医生'], waiting: 5 },
    ],
  },
  { nudge: { step: 'library', name: '图书馆', open: 38 } },
);

const escalation = escalationCard(
  [
    { step: 'library', name: '图书馆', overdue: 412, open: 2210 },
    { step: 'dormitory', name: '学生公寓管理中心', overdue: 388, open: 1964 },
    { step: 'academic_secretary', name: '学院研究生教务秘书', overdue: 207, open: 1530 },
    { step: 'finance', name: '财务处', overdue: 96, open: 301 },
    { step: 'grad_service', name: '研究生院研究生教育服务中心', overdue: 31, open: 402 },
    { step: 'grad_office', name: '研究生院研工办', overdue: 12, open: 85 },
    { step: 'hospital', name: '校医院', overdue: 0, open: 58 },
  ],
  '2026年第25周',
);
const page1 = { staffName: '张老师', rows, page: 1, pages: 2, total: 27 };

/** 李老师's students waiting for their supervisor: one said 暂不同意 before, the rest are open. */
function supervisorRows(n: number): PendingRow[] {
  return Array.from({ length: n }, (_, i): PendingRow => ({
    clearanceId: 2001 + i,
    version: i === 2 ? 2 : 1,
    studentNo: `2023${String(2001 + i).padStart(5, '0')}`,
    name: NAMES[(i + 3) % NAMES.length]!,
    college: '计算机学院',
    campus: CAMPUSES[i % 3]!,
    stepName: '导师 李老师',
    state: i === 2 ? 'returned' : 'pending',
    reason: i === 2 ? '课题资料尚未移交' : null,
    kind: 'supervisor',
  }));
}
const supervisorPage = {
  staffName: '李老师',
  rows: supervisorRows(4),
  page: 1,
  pages: 1,
  total: 4,
  note: '已授权 张三 代为确认（发送“取消授权”可取消）',
};
/** The academic secretary's rows: the supervisor confirmed online, said 暂不同意, has not confirmed, or is not on file. */
const secretaryRows: PendingRow[] = [
  ['已在线确认：张三（受李老师授权） 2026-06-18 14:32', true],
  ['暂不同意：李老师', false],
  ['未在线确认：请核对纸质确认书', false],
  [undefined, false],
].map(([line, ok], i) => ({
  clearanceId: 3001 + i,
  version: 1,
  studentNo: `2023${String(2001 + i).padStart(5, '0')}`,
  name: NAMES[(i + 3) % NAMES.length]!,
  college: '计算机学院',
  campus: 'A区',
  stepName: '学院研究生教务秘书',
  state: 'pending',
  supervisorLine: line ? `导师${line as string}` : undefined,
  supervisorConfirmed: ok as boolean,
}));

export const fixtures: CardFixture[] = [
  { name: 'status-mixed', card: status, platforms: ALL },
  { name: 'pending-buttons', card: pendingCard({ ...page1, layout: 'buttons' }), platforms: NOT_WECOM },
  {
    name: 'pending-buttons-results',
    card: pendingCard({
      ...page1,
      layout: 'buttons',
      results: {
        1003: { tone: 'green', text: '已通过 · 张老师 2026-06-18 14:32', undo: 2 },
        1008: { tone: 'grey', text: '已由 李老师 于 2026-06-18 14:30 通过' },
      },
    }),
    platforms: NOT_WECOM,
  },
  { name: 'pending-checklist', card: pendingCard({ ...page1, layout: 'checklist' }), platforms: ALL },
  {
    name: 'pending-checklist-one',
    card: pendingCard({ staffName: '张老师', rows: financeRows(1), page: 1, pages: 1, total: 1, layout: 'checklist' }),
    platforms: ALL,
  },
  {
    name: 'pending-checklist-undo',
    card: pendingCard({
      staffName: '张老师',
      rows: financeRows(3),
      page: 1,
      pages: 1,
      total: 1,
      layout: 'checklist',
      results: {
        1001: { tone: 'green', text: '已通过 · 张老师 2026-06-18 14:32', undo: 2 },
        1002: { tone: 'green', text: '已通过 · 张老师 2026-06-18 14:33', undo: 2 },
      },
    }),
    platforms: ALL,
  },
  { name: 'supervisor-buttons', card: pendingCard({ ...supervisorPage, layout: 'buttons' }), platforms: NOT_WECOM },
  { name: 'supervisor-checklist', card: pendingCard({ ...supervisorPage, layout: 'checklist' }), platforms: ALL },
  {
    name: 'supervisor-one',
    card: pendingCard({ ...supervisorPage, rows: supervisorRows(1), total: 1, layout: 'checklist' }),
    platforms: ALL,
  },
  {
    name: 'secretary-supervisor',
    card: pendingCard({ staffName: '秘书甲', rows: secretaryRows, page: 1, pages: 1, total: 4, layout: 'buttons' }),
    platforms: NOT_WECOM,
  },
  {
    name: 'secretary-supervisor-checklist',
    card: pendingCard({ staffName: '秘书甲', rows: secretaryRows, page: 1, pages: 1, total: 4, layout: 'checklist' }),
    platforms: ALL,
  },
  {
    name: 'pending-empty',
    card: pendingCard({ staffName: '张老师', rows: [], page: 1, pages: 1, total: 0, layout: 'buttons' }),
    platforms: ALL,
  },
  {
    name: 'batch-preview',
    card: batchPreviewCard({
      willPass: [
        { studentNo: '202301002', name: '王芳', stepName: '图书馆' },
        { studentNo: '202301003', name: '张伟', stepName: '图书馆' },
        { studentNo: '202301006', name: '杨帆', stepName: '图书馆' },
      ],
      unknown: ['202399999'],
      notYours: ['202205017'],
      alreadyDone: [{ studentNo: '202301004', text: '图书馆 已通过（李老师 2026-06-17 09:12）' }],
      gateClosed: [
        { studentNo: '202301007', name: '赵磊', stepName: '研究生院研工办', waitsFor: '图书馆、一卡通管理中心' },
      ],
      confirmRef: 'b3f9c2a1',
    }),
    platforms: ALL,
  },
  {
    name: 'batch-done',
    card: batchDoneCard({
      passed: 3,
      notPassed: [{ studentNo: '202301005', text: '已被 李老师 退回，未通过' }],
      unknown: ['202399999', '202205017'],
      gateClosed: ['202301007'],
    }),
    platforms: ALL,
  },
  {
    name: 'help-staff',
    card: helpCard({ name: '张老师', isStudent: false, steps: ['财务处', '国家助学贷款管理中心'] }),
    platforms: ALL,
  },
  { name: 'help-student', card: helpCard({ name: '李明', isStudent: true, steps: [] }), platforms: ALL },
  { name: 'unknown-person', card: unknownPersonCard(), platforms: ALL },
  { name: 'error', card: errorCard('学号 202399999 不在本届离校名单中，请检查后重试。'), platforms: ALL },
  {
    name: 'notice',
    card: noticeCard({
      title: '图书馆：已退回',
      text: '图书馆退回了您的离校手续：逾期图书 2 本未还，请还书并缴清超期费',
      tone: 'orange',
      lines: ['办好后请再去办理，或联系该部门。'],
    }),
    platforms: ALL,
  },
  { name: 'college-digest', card: digest, platforms: ALL },
  { name: 'college-digest-away', card: digestAway, platforms: ALL },
  { name: 'escalation', card: escalation, platforms: ALL },
  {
    name: 'reminder',
    card: reminderCard({
      name: '李明',
      deadline: '2026-06-30',
      daysLeft: 3,
      openSteps: ['学院研究生教务秘书', '图书馆', '研究生院研工办'],
    }),
    platforms: ALL,
  },
  {
    name: 'reminder-late',
    card: reminderCard({ name: '李明', deadline: '2026-06-30', daysLeft: -2, openSteps: ['图书馆'] }),
    platforms: ALL,
  },
  ...englishFixtures,
];
