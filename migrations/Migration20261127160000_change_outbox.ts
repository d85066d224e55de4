import { Migration } from '@mikro-orm/migrations';

// Written by hand: decisions record their changes in change_outbox (a plain insert in the decision's own statement)
// instead of adding a graphile-worker job each; the worker's drain turns a batch of them into one job. Adding a job
// per tap had been the largest part of a tap's database time. A purged clearance takes its queued changes with it.
export class Migration20261127160000_change_outbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "change_outbox" ("id" bigserial primary key, "clearance_id" int not null references "clearance" ("id") on delete cascade, "version" int not null, "cause" text not null, "created_at" timestamptz not null default now());`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "change_outbox";`);
  }
}
