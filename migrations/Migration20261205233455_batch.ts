import { Migration } from '@mikro-orm/migrations';

// Written by hand: every applied import, list and bulk decision is a batch, so that it can be listed and undone.
// The batch's id is a transaction-local setting (lixiao.batch_id); while it is set, triggers record each changed row of
// the tables a batch may touch (its state before the batch and after it), and audit rows take it as their batch_id.
// Outside a batch the triggers' WHEN clause is false, so taps and API decisions pay one comparison a row.
export class Migration20261205233455_batch extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "batch" ("id" serial primary key, "kind" text not null, "at" timestamptz not null default now(), "by" text not null, "count" int not null default 0, "summary" jsonb not null default '{}', "undone_by" int null, "undoes" int null);`,
    );
    this.addSql(`create index "batch_at_index" on "batch" ("at");`);
    this.addSql(
      `create table "batch_change" ("batch_id" int not null, "table_name" text not null, "row_id" int not null, "seq" bigserial, "before" jsonb null, "after" jsonb null, constraint "batch_change_pkey" primary key ("batch_id", "table_name", "row_id"));`,
    );
    this.addSql(
      `alter table "batch_change" add constraint "batch_change_batch_id_foreign" foreign key ("batch_id") references "batch" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`create index "batch_change_table_name_row_id_index" on "batch_change" ("table_name", "row_id");`);
    // The first change of a row in a batch keeps its before; later ones only move its after; a no-op update is no change.
    this.addSql(
      `create function "batch_record"() returns trigger language plpgsql as $$
       begin
         if TG_OP = 'UPDATE' and OLD is not distinct from NEW then return null; end if;
         insert into batch_change (batch_id, table_name, row_id, before, after)
         values (current_setting('lixiao.batch_id')::int, TG_TABLE_NAME, case when TG_OP = 'DELETE' then OLD.id else NEW.id end,
                 case when TG_OP = 'INSERT' then null else to_jsonb(OLD) end,
                 case when TG_OP = 'DELETE' then null else to_jsonb(NEW) end)
         on conflict (batch_id, table_name, row_id) do update set after = excluded.after;
         return null;
       end $$;`,
    );
    for (const table of ['clearance', 'assignment', 'student', 'person', 'college'])
      this.addSql(
        `create trigger "${table}_batch_record" after insert or update or delete on "${table}" for each row
           when (coalesce(current_setting('lixiao.batch_id', true), '') <> '') execute function "batch_record"();`,
      );
    // No default on the existing rows (no table rewrite); new rows written inside a batch carry its id.
    this.addSql(`alter table "audit_event" add column "batch_id" int null;`);
    this.addSql(
      `alter table "audit_event" alter column "batch_id" set default nullif(current_setting('lixiao.batch_id', true), '')::int;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_event" drop column "batch_id";`);
    for (const table of ['clearance', 'assignment', 'student', 'person', 'college'])
      this.addSql(`drop trigger "${table}_batch_record" on "${table}";`);
    this.addSql(`drop function "batch_record"();`);
    this.addSql(`drop table "batch_change";`);
    this.addSql(`drop table "batch";`);
  }
}
