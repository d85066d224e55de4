import { Migration } from '@mikro-orm/migrations';

// Written by hand: a student's supervisor (导师), a person like staff, and a staff number (工号) by which a supervisor
// names whom they authorise. One supervisor has many students; a student without one keeps the paper form.
export class Migration20261206023446_supervisor extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "person" add column "staff_no" text null;`);
    this.addSql(`create unique index "person_staff_no_unique" on "person" ("staff_no");`);
    this.addSql(
      `alter table "student" add column "supervisor_id" int null references "person" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `create index "student_supervisor_id_index" on "student" ("supervisor_id") where "supervisor_id" is not null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "student" drop column "supervisor_id";`);
    this.addSql(`alter table "person" drop column "staff_no";`);
  }
}
