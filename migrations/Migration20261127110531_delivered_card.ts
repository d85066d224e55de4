import { Migration } from '@mikro-orm/migrations';

// Generated, then reviewed: only the delivered_card lines are kept (the generator also proposed dropping the
// hand-written checks and index of the initial migration, which it cannot see in the entities).
export class Migration20261127110531_delivered_card extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "delivered_card" ("platform" text not null, "message_id" text not null, "person_id" int not null, "kind" text not null, "page" int not null default 1, "clearance_ids" int[] not null default '{}', "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "delivered_card_pkey" primary key ("platform", "message_id"));`,
    );
    this.addSql(`create index "delivered_card_person_id_index" on "delivered_card" ("person_id");`);
    this.addSql(`create index "delivered_card_clearance_ids_gin" on "delivered_card" using gin ("clearance_ids");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "delivered_card" cascade;`);
  }
}
