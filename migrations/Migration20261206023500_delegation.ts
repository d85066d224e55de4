import { Migration } from '@mikro-orm/migrations';

// Written by hand: who acts for whom. A stand-in (代理) covers an absent person's work for a date range; an
// authorised person (授权人) decides for a supervisor's students until the supervisor cancels it. Rows are ended,
// never deleted, so that the audit trail can always say who stood in for whom.
export class Migration20261206023500_delegation extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "delegation" (
        "id" serial primary key,
        "from_person_id" int not null references "person" ("id") on update cascade,
        "to_person_id" int not null references "person" ("id") on update cascade,
        "kind" text not null check ("kind" in ('stand_in', 'authorised')),
        "starts_at" timestamptz not null default now(),
        "ends_at" timestamptz null,
        "created_by" text not null,
        "created_at" timestamptz not null default now(),
        "ended_at" timestamptz null,
        "ended_by" text null,
        check ("from_person_id" <> "to_person_id"),
        check ("ends_at" is null or "ends_at" > "starts_at"));`,
    );
    this.addSql(`create index "delegation_to_open_index" on "delegation" ("to_person_id") where "ended_at" is null;`);
    this.addSql(
      `create index "delegation_from_open_index" on "delegation" ("from_person_id") where "ended_at" is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "delegation";`);
  }
}
