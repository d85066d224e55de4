import { Migration } from '@mikro-orm/migrations';

// Written by hand: a student's notices wait here for their coalescing window, a row per changed clearance, so that
// a morning's passes reach them as one message (the student_notice job takes the rows of one person at a time).
export class Migration20261206001000_notice_queue extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "notice_queue" ("id" bigserial primary key, "person_id" int not null, "clearance_id" int not null, "version" int not null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(`create index "notice_queue_person_id_index" on "notice_queue" ("person_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "notice_queue";`);
  }
}
