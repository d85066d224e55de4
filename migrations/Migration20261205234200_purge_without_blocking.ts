import { Migration } from '@mikro-orm/migrations';

// Written by hand. A season purge must not stall the next season's decisions:
// - every foreign key that its deletes check has an index (clearance.decided_by_id was the one without: deleting a
//   person scanned all of clearance, once per person);
// - anonymising the purged students' audit rows no longer disables the append-only trigger (ALTER TABLE ... DISABLE
//   TRIGGER locks audit_event against every insert, i.e. every decision, until the purge commits). The trigger instead
//   lets through exactly that change (the student taken out, and the reason, amount and student number taken out of
//   the detail, nothing else) when the tables' owner asks for it in its own transaction (lixiao.anonymise).
export class Migration20261205234200_purge_without_blocking extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "clearance_decided_by_id_index" on "clearance" ("decided_by_id");`);
    this.addSql(
      `create or replace function "audit_event_append_only"() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and current_setting('lixiao.anonymise', true) = 'on'
     and pg_has_role(current_user, (select c.relowner from pg_class c where c.oid = tg_relid), 'MEMBER')
     and new.id = old.id and new.at = old.at and new.student_id is null
     and new.actor_person_id is not distinct from old.actor_person_id and new.actor_label = old.actor_label
     and new.action = old.action and new.outcome = old.outcome and new.step_key is not distinct from old.step_key
     and new.detail = old.detail - array['reason', 'amount', 'student_no'] then
    return new;
  end if;
  raise exception 'audit_event is append-only';
end $$;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `create or replace function "audit_event_append_only"() returns trigger language plpgsql as $$ begin raise exception 'audit_event is append-only'; end $$;`,
    );
    this.addSql(`drop index "clearance_decided_by_id_index";`);
  }
}
