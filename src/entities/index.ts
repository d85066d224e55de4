// Every entity of the schema, for the ORM configuration.
export { College } from './college.ts';
export { Person } from './person.ts';
export { Season } from './season.ts';
export { Student } from './student.ts';
export { Assignment } from './assignment.ts';
export { Clearance } from './clearance.ts';
export { AuditEvent } from './audit-event.ts';
export { InboundEvent } from './inbound-event.ts';
export { CronRun } from './cron-run.ts';
export { ApiRequest } from './api-request.ts';
export { DeliveredCard } from './delivered-card.ts';
export { ChangeOutbox } from './change-outbox.ts';
export { RateSpend } from './rate-spend.ts';
export { Batch } from './batch.ts';
export { BatchChange } from './batch-change.ts';
export { ApprovalDefinition, ApprovalInstance, ApprovalTask } from './approval.ts';
export { SigningKey } from './signing-key.ts';
export { Certificate } from './certificate.ts';
