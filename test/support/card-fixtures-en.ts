// The student-facing cards in English, with the CQU preset's own English step texts: golden files on every platform.
import {
  certificateCard,
  changeNotice,
  digestNotice,
  errorCard,
  helpCard,
  readyNotice,
  reminderCard,
  statusCard,
  t,
  type Card,
  type StatusStepView,
} from '../../cards/index.ts';
import { loadWorkflow, locationFor, stepName, stepOf, stepTexts } from '../../src/workflow/load.ts';
import type { CardFixture, Platform } from './card-fixtures.ts';

const ALL: Platform[] = ['feishu', 'wecom', 'html'];
const wf = loadWorkflow();
const en = (key: string) => stepName(stepOf(wf, key)!, 'en');

/** A step as statusView makes it for an English reader: the workflow file's English, the office's reason as written. */
function step(key: string, s: Omit<Partial<StatusStepView>, 'key'> & Pick<StatusStepView, 'state'>): StatusStepView {
  const def = stepOf(wf, key)!;
  const x = stepTexts(def, 'en');
  return {
    key,
    name: x.name,
    office: x.office,
    duties: x.duties.filter((d) => !d.zh.includes('标记')).map((d) => d.text),
    notes: x.notes,
    location: locationFor(def, 'A区', 'en'),
    phones: (def.contacts['A区'] ?? def.contacts['default'])?.phones ?? [],
    ...s,
  };
}

const status: Card = statusCard({
  lang: 'en',
  ownLanguage: true,
  studentNo: '202301088',
  name: 'Aisha Karimova',
  college: '计算机学院',
  campus: 'A区',
  exitType: '毕业',
  deadline: '2026-06-30',
  formUrl: 'https://lixiao.example.edu.cn/forms/supervisor/Zq3xT9pL2mWc',
  steps: [
    step('academic_secretary', { state: 'pending' }),
    step('student_work', { state: 'passed', decidedBy: '张老师', decidedAt: '2026-06-02 10:15' }),
    step('party', { state: 'not_applicable' }),
    step('finance', { state: 'pending', reason: '欠缴学费', amount: '2400.00' }),
    step('loan', { state: 'not_applicable' }),
    step('library', { state: 'returned', reason: '逾期图书 2 本未还' }),
    step('dormitory', { state: 'passed', decidedBy: '王老师', decidedAt: '2026-06-05 16:20' }),
    step('hospital', { state: 'passed', decidedBy: '校医院', decidedAt: '2026-06-01 08:00' }),
    step('grad_service', { state: 'passed', decidedBy: '刘老师', decidedAt: '2026-06-04 11:05' }),
    step('campus_card', { state: 'passed', decidedBy: '一卡通管理系统', decidedAt: '2026-06-06 00:12' }),
    step('grad_office', { state: 'pending', waitsFor: [en('academic_secretary'), en('finance'), en('library')] }),
  ],
});

const done: Card = statusCard({
  lang: 'en',
  ownLanguage: true,
  studentNo: '202301088',
  name: 'Aisha Karimova',
  college: '计算机学院',
  campus: null,
  exitType: '毕业',
  deadline: null,
  steps: ['academic_secretary', 'library', 'grad_office'].map((k) =>
    step(k, { state: 'passed', decidedBy: '张老师', decidedAt: '2026-06-20 09:00' }),
  ),
});

export const englishFixtures: CardFixture[] = [
  { name: 'en-status-mixed', card: status, platforms: ALL },
  { name: 'en-status-done', card: done, platforms: ALL },
  {
    name: 'en-help-student',
    card: helpCard({ name: 'Aisha', isStudent: true, steps: [], lang: 'en' }),
    platforms: ALL,
  },
  {
    name: 'en-help-staff',
    card: helpCard({ name: 'Tom', isStudent: false, steps: [en('library')], lang: 'en' }),
    platforms: ALL,
  },
  {
    name: 'en-notice-passed',
    card: changeNotice({ kind: 'passed', step: en('library'), open: 3 }, 'en'),
    platforms: ALL,
  },
  {
    name: 'en-notice-returned',
    card: changeNotice(
      { kind: 'returned', step: en('library'), reason: '逾期图书 2 本未还，请还书并缴清超期费' },
      'en',
    ),
    platforms: ALL,
  },
  {
    name: 'en-notice-held',
    card: changeNotice({ kind: 'held', step: en('finance'), reason: '欠缴学费', amount: '2400.00' }, 'en'),
    platforms: ALL,
  },
  { name: 'en-notice-undone', card: changeNotice({ kind: 'undone', step: en('grad_service') }, 'en'), platforms: ALL },
  { name: 'en-notice-reset', card: changeNotice({ kind: 'reset', step: en('dormitory') }, 'en'), platforms: ALL },
  {
    name: 'en-notice-digest',
    card: digestNotice(
      {
        changes: 3,
        passed: [en('finance'), en('hospital')],
        others: [t('en', 'notice.returned', { step: en('library'), reason: '逾期图书 2 本未还' })],
        open: 1,
      },
      'en',
    ),
    platforms: ALL,
  },
  {
    name: 'en-notice-ready',
    card: readyNotice({ studentNo: '202301088', name: 'Aisha Karimova', step: en('grad_office') }, 'en'),
    platforms: ALL,
  },
  {
    name: 'en-reminder',
    card: reminderCard({
      lang: 'en',
      name: 'Aisha Karimova',
      deadline: '2026-06-30',
      daysLeft: 3,
      openSteps: [en('academic_secretary'), en('library'), en('grad_office')],
    }),
    platforms: ALL,
  },
  {
    name: 'en-reminder-late',
    card: reminderCard({
      lang: 'en',
      name: 'Aisha Karimova',
      deadline: '2026-06-30',
      daysLeft: -1,
      openSteps: [en('library')],
    }),
    platforms: ALL,
  },
  {
    name: 'en-certificate-issued',
    card: certificateCard({
      lang: 'en',
      status: 'issued',
      studentNo: '202301088',
      name: 'Aisha Karimova',
      url: 'https://lixiao.example.edu.cn/certificates/7f3a9c',
      completedAt: '2026-06-20 09:00',
      justCompleted: { stepName: en('grad_office') },
    }),
    platforms: ALL,
  },
  {
    name: 'en-certificate-open',
    card: certificateCard({
      lang: 'en',
      status: 'not_complete',
      studentNo: '202301088',
      name: 'Aisha Karimova',
      openSteps: [en('library'), en('grad_office')],
    }),
    platforms: ALL,
  },
  {
    name: 'en-certificate-revoked',
    card: certificateCard({
      lang: 'en',
      status: 'revoked',
      studentNo: '202301088',
      name: 'Aisha Karimova',
      revokedAt: '2026-06-21 10:00',
    }),
    platforms: ALL,
  },
  { name: 'en-error', card: errorCard(t('en', 'chat.no_student_record'), 'grey', 'en'), platforms: ALL },
];
