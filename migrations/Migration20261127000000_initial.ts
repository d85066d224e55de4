import { Migration } from '@mikro-orm/migrations';

export class Migration20261127000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "api_request" ("step_key" text not null, "idempotency_key" text not null, "request_hash" text not null, "response" jsonb null, "created_at" timestamptz not null default now(), constraint "api_request_pkey" primary key ("step_key", "idempotency_key"));`,
    );

    this.addSql(
      `create table "audit_event" ("id" bigserial primary key, "at" timestamptz not null default now(), "actor_person_id" int null, "actor_label" text not null, "action" text not null, "outcome" text not null, "student_id" int null, "step_key" text null, "detail" jsonb not null default '{}');`,
    );
    this.addSql(`create index "audit_event_step_key_at_index" on "audit_event" ("step_key", "at");`);
    this.addSql(`create index "audit_event_student_id_index" on "audit_event" ("student_id");`);

    this.addSql(`create table "college" ("id" serial primary key, "name" text not null);`);
    this.addSql(`alter table "college" add constraint "college_name_unique" unique ("name");`);

    this.addSql(
      `create table "cron_run" ("job" text not null, "slot" text not null, "claimed_at" timestamptz not null default now(), "claimed_by" text not null, constraint "cron_run_pkey" primary key ("job", "slot"));`,
    );

    this.addSql(
      `create table "inbound_event" ("platform" text not null, "event_key" text not null, "received_at" timestamptz not null default now(), constraint "inbound_event_pkey" primary key ("platform", "event_key"));`,
    );
    this.addSql(`create index "inbound_event_received_at_index" on "inbound_event" ("received_at");`);

    this.addSql(
      `create table "person" ("id" serial primary key, "name" text not null, "feishu_open_id" text null, "feishu_user_id" text null, "wecom_userid" text null, "email" text null, "mobile" text null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(`alter table "person" add constraint "person_feishu_open_id_unique" unique ("feishu_open_id");`);
    this.addSql(`alter table "person" add constraint "person_feishu_user_id_unique" unique ("feishu_user_id");`);
    this.addSql(`alter table "person" add constraint "person_wecom_userid_unique" unique ("wecom_userid");`);
    this.addSql(`create index "person_email_index" on "person" ("email");`);
    this.addSql(`create index "person_mobile_index" on "person" ("mobile");`);

    this.addSql(
      `create table "assignment" ("id" serial primary key, "person_id" int not null, "role" text not null, "step_key" text null, "college_id" int null, "campus" text null, "created_at" timestamptz not null default now(), "ended_at" timestamptz null);`,
    );
    this.addSql(`create index "assignment_person_id_index" on "assignment" ("person_id");`);
    this.addSql(`create index "assignment_step_key_ended_at_index" on "assignment" ("step_key", "ended_at");`);

    this.addSql(
      `create table "student" ("id" serial primary key, "student_no" text not null, "name" text not null, "college_id" int not null, "campus" text null, "degree" text null, "exit_type" text not null default '毕业', "deadline" date null, "person_id" int not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`,
    );
    this.addSql(`alter table "student" add constraint "student_student_no_unique" unique ("student_no");`);
    this.addSql(`create index "student_college_id_index" on "student" ("college_id");`);
    this.addSql(`alter table "student" add constraint "student_person_id_unique" unique ("person_id");`);

    this.addSql(
      `create table "clearance" ("id" serial primary key, "student_id" int not null, "step_key" text not null, "status" text not null default 'pending', "version" int not null default 1, "decided_by_id" int null, "decided_by_label" text null, "decided_at" timestamptz null, "source" text null, "reason" text null, "amount" numeric(12,2) null, "updated_at" timestamptz not null default now());`,
    );
    this.addSql(`create index "clearance_step_key_status_index" on "clearance" ("step_key", "status");`);
    this.addSql(
      `alter table "clearance" add constraint "clearance_student_id_step_key_unique" unique ("student_id", "step_key");`,
    );

    this.addSql(
      `alter table "assignment" add constraint "assignment_person_id_foreign" foreign key ("person_id") references "person" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "assignment" add constraint "assignment_college_id_foreign" foreign key ("college_id") references "college" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "student" add constraint "student_college_id_foreign" foreign key ("college_id") references "college" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "student" add constraint "student_person_id_foreign" foreign key ("person_id") references "person" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "clearance" add constraint "clearance_student_id_foreign" foreign key ("student_id") references "student" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "clearance" add constraint "clearance_decided_by_id_foreign" foreign key ("decided_by_id") references "person" ("id") on update cascade on delete set null;`,
    );

    // Added by hand: domain checks the entities cannot express, and the audit trail's append-only guard.
    this.addSql(
      `alter table "clearance" add constraint "clearance_status_check" check ("status" in ('pending', 'passed', 'returned', 'not_applicable'));`,
    );
    this.addSql(
      `alter table "clearance" add constraint "clearance_source_check" check ("source" is null or "source" in ('card', 'list', 'rule', 'api', 'admin'));`,
    );
    this.addSql(
      `alter table "assignment" add constraint "assignment_role_check" check ("role" in ('handler', 'college_admin', 'school_admin'));`,
    );
    this.addSql(
      `alter table "assignment" add constraint "assignment_handler_step_check" check (("role" = 'handler') = ("step_key" is not null));`,
    );
    this.addSql(
      `create index "assignment_active_person_index" on "assignment" ("person_id") where "ended_at" is null;`,
    );
    this.addSql(
      `create function "audit_event_append_only"() returns trigger language plpgsql as $$ begin raise exception 'audit_event is append-only'; end $$;`,
    );
    this.addSql(
      `create trigger "audit_event_no_change" before update or delete on "audit_event" for each row execute function "audit_event_append_only"();`,
    );
    this.addSql(
      `create trigger "audit_event_no_truncate" before truncate on "audit_event" for each statement execute function "audit_event_append_only"();`,
    );
  }
}
