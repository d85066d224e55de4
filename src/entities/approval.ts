// The approval center's state (Feishu 三方审批): the definition's code, and per student the instance and its tasks.
import { defineEntity, p } from '@mikro-orm/core';
import { Person } from './person.ts';
import { Student } from './student.ts';

export const ApprovalDefinition = defineEntity({
  name: 'ApprovalDefinition',
  tableName: 'approval_definition',
  properties: {
    /** the code we send on create/update */
    customCode: p.text().primary(),
    /** the code Feishu returned on creation, which instances must use */
    approvalCode: p.text(),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});

export const ApprovalInstance = defineEntity({
  name: 'ApprovalInstance',
  tableName: 'approval_instance',
  properties: {
    student: () => p.oneToOne(Student).primary().owner().deleteRule('cascade'),
    instanceId: p.text().unique(),
    status: p.text(),
    endTime: p.bigint('number').default(0),
    updateTime: p.bigint('number'),
    /** the update_time of the last snapshot Feishu accepted */
    pushedUpdateTime: p.bigint('number').nullable(),
    pushedAt: p.datetime().nullable(),
  },
});

export const ApprovalTask = defineEntity({
  name: 'ApprovalTask',
  tableName: 'approval_task',
  properties: {
    taskId: p.text().primary(),
    student: () => p.manyToOne(Student).index().deleteRule('cascade'),
    stepKey: p.text(),
    person: () => p.manyToOne(Person).deleteRule('cascade'),
    round: p.integer(),
    status: p.text(),
    createTime: p.bigint('number'),
    endTime: p.bigint('number').default(0),
    updateTime: p.bigint('number'),
    completeReason: p.text().nullable(),
  },
});
