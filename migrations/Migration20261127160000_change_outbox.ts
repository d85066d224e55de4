import { Migration } from '@mikro-orm/migrations';

// Written by hand: decisions record their changes in change_outbox (a plain insert in the decision's own statement)
// instead of adding a graphile-worker job each; the worker's drain turns a batch of them into one job. Adding a job
// per tap had been the largest part of a tap's database time. A purged clearance takes its queued changes with it.
export class Migration20261127160000_change_outbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "change_outbox" ("id" bigserial primary key, "clearance_id" int not null, "version" int not null, "cause" text not null, "created_at" timestamptz not null default now());`,
    );
    // The index serves the cascade: a purge deletes a season's clearances, each of which would otherwise scan this table.
    this.addSql(`create index "change_outbox_clearance_id_index" on "change_outbox" ("clearance_id");`);
    this.addSql(
      `alter table "change_outbox" add constraint "change_outbox_clearance_id_foreign" foreign key ("clearance_id") references "clearance" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "change_outbox";`);
  }
}
