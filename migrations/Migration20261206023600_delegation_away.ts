import { Migration } from '@mikro-orm/migrations';

// Written by hand: someone away with nobody named (休假 到 DATE) is a delegation row of kind `away` with no one to cover
// it, so that "who is away, and who covers them" stays one table, and the college digest can say whom nobody covers.
export class Migration20261206023600_delegation_away extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "delegation" alter column "to_person_id" drop not null;`);
    this.addSql(`alter table "delegation" drop constraint "delegation_kind_check";`);
    this.addSql(
      `alter table "delegation" add constraint "delegation_kind_check" check ("kind" in ('stand_in', 'authorised', 'away'));`,
    );
    this.addSql(
      `alter table "delegation" add constraint "delegation_away_alone_check" check (("kind" = 'away') = ("to_person_id" is null));`,
    );
    this.addSql(`create index "delegation_open_kind_index" on "delegation" ("kind") where "ended_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "delegation" where "kind" = 'away';`);
    this.addSql(`drop index "delegation_open_kind_index";`);
    this.addSql(`alter table "delegation" drop constraint "delegation_away_alone_check";`);
    this.addSql(`alter table "delegation" drop constraint "delegation_kind_check";`);
    this.addSql(
      `alter table "delegation" add constraint "delegation_kind_check" check ("kind" in ('stand_in', 'authorised'));`,
    );
    this.addSql(`alter table "delegation" alter column "to_person_id" set not null;`);
  }
}
