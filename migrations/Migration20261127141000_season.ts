import { Migration } from '@mikro-orm/migrations';

// Written by hand: seasons, so that a closed season's personal data can be purged while its report is kept.
// Students already on file join one season named after the year they were imported (Asia/Shanghai).
export class Migration20261127141000_season extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "season" ("id" serial primary key, "label" text not null, "created_at" timestamptz not null default now(), "purged_at" timestamptz null, "report" jsonb null);`,
    );
    this.addSql(`alter table "season" add constraint "season_label_unique" unique ("label");`);
    this.addSql(`alter table "student" add column "season_id" int null;`);
    this.addSql(
      `insert into "season" ("label") select to_char(min("created_at") at time zone 'Asia/Shanghai', 'YYYY') from "student" having count(*) > 0;`,
    );
    this.addSql(`update "student" set "season_id" = (select "id" from "season");`);
    this.addSql(`alter table "student" alter column "season_id" set not null;`);
    this.addSql(
      `alter table "student" add constraint "student_season_id_foreign" foreign key ("season_id") references "season" ("id") on update cascade;`,
    );
    this.addSql(`create index "student_season_id_index" on "student" ("season_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "student" drop column "season_id";`);
    this.addSql(`drop table "season";`);
  }
}
