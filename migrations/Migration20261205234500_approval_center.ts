import { Migration } from '@mikro-orm/migrations';

// Written by hand (the status checks are beyond the entities; the rest is what the generator makes of src/entities/approval.ts): the Feishu approval center's state. The definition's code as Feishu returned it, and per student
// the instance and its tasks as last planned (each task's status and times), which every push sends in full.
export class Migration20261205234500_approval_center extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "approval_definition" ("custom_code" text primary key, "approval_code" text not null, "updated_at" timestamptz not null default now());`,
    );
    this.addSql(
      `create table "approval_instance" ("student_id" int primary key, "instance_id" text not null, "status" text not null, "end_time" bigint not null default 0, "update_time" bigint not null, "pushed_update_time" bigint null, "pushed_at" timestamptz null);`,
    );
    this.addSql(
      `create table "approval_task" ("task_id" text primary key, "student_id" int not null, "step_key" text not null, "person_id" int not null, "round" int not null, "status" text not null, "create_time" bigint not null, "end_time" bigint not null default 0, "update_time" bigint not null, "complete_reason" text null);`,
    );
    this.addSql(
      `alter table "approval_instance" add constraint "approval_instance_instance_id_unique" unique ("instance_id");`,
    );
    this.addSql(
      `alter table "approval_instance" add constraint "approval_instance_student_id_foreign" foreign key ("student_id") references "student" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`create index "approval_task_student_id_index" on "approval_task" ("student_id");`);
    // a purge deletes people: without it, each deleted person would scan the tasks (the cascade's check)
    this.addSql(`create index "approval_task_person_id_index" on "approval_task" ("person_id");`);
    this.addSql(
      `alter table "approval_task" add constraint "approval_task_student_id_foreign" foreign key ("student_id") references "student" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "approval_task" add constraint "approval_task_person_id_foreign" foreign key ("person_id") references "person" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "approval_task" add constraint "approval_task_status_check" check ("status" in ('PENDING', 'APPROVED', 'REJECTED', 'DONE'));`,
    );
    this.addSql(
      `alter table "approval_instance" add constraint "approval_instance_status_check" check ("status" in ('PENDING', 'APPROVED'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "approval_task";`);
    this.addSql(`drop table "approval_instance";`);
    this.addSql(`drop table "approval_definition";`);
  }
}
