// The card builders handlers may use (renderers are the edge's business, under cards/render).
export * from './model.ts';
export { LANGS, parseLang, formatDate, t, type Lang } from './i18n/index.ts';
export { changeNotice, readyNotice, digestNotice, type StepChange } from './build/change-notices.ts';
export { statusCard, type StatusView, type StatusStepView } from './build/status-card.ts';
export { pendingCard, pageSize, type PendingRow, type PendingView, type RowOutcome } from './build/pending-card.ts';
export { supervisorLine, SUPERVISOR_ITEMS } from './build/pending-rows.ts';
export type { Layout } from './build/page-size.ts';
export { batchPreviewCard, batchDoneCard, type BatchPreview, type BatchDone } from './build/batch-card.ts';
export { helpCard, unknownPersonCard, errorCard, noticeCard } from './build/message-cards.ts';
export {
  collegeDigestCard,
  escalationCard,
  reminderCard,
  type CollegeDigestView,
  type DigestStepView,
  type OverdueStudentView,
  type OfficeBacklogView,
  type ReminderView,
} from './build/digest-card.ts';
export { certificateCard, type CertificateCardView } from './build/certificate-card.ts';
