import { Migration } from '@mikro-orm/migrations';

// Written by hand: certificates (离校证明) and the keys that sign them. A certificate is revoked inside the statement
// that re-opens one of its student's steps (a trigger on clearance), and loses its token, which names the student,
// when the student is purged (the foreign key sets student_id null, a trigger does the rest).
export class Migration20261205233700_certificates extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "signing_key" (
      "kid" text primary key,
      "public_key" text not null,
      "private_key" jsonb null,
      "source" text not null check ("source" in ('database', 'file')),
      "created_at" timestamptz not null default now(),
      "retired_at" timestamptz null);`);
    // One current database key: two instances creating the first key at once keep one of them.
    this.addSql(
      `create unique index "signing_key_current" on "signing_key" ((true)) where "source" = 'database' and "retired_at" is null;`,
    );
    this.addSql(`create table "certificate" (
      "id" text primary key,
      "student_id" int null,
      "kid" text not null,
      "token" text null,
      "completed_at" timestamptz not null,
      "issued_at" timestamptz not null default now(),
      "revoked_at" timestamptz null,
      "revoked_reason" text null);`);
    this.addSql(
      `alter table "certificate" add constraint "certificate_student_id_foreign" foreign key ("student_id") references "student" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "certificate" add constraint "certificate_kid_foreign" foreign key ("kid") references "signing_key" ("kid") on update cascade;`,
    );
    this.addSql(`create index "certificate_student_id_index" on "certificate" ("student_id");`);
    // At most one certificate in force per student.
    this.addSql(
      `create unique index "certificate_live" on "certificate" ("student_id") where "revoked_at" is null and "student_id" is not null;`,
    );

    this.addSql(`create function certificate_revoke_on_reopen() returns trigger language plpgsql as $$
      begin
        update certificate set revoked_at = now(), revoked_reason = 'reopened:' || new.step_key
         where student_id = new.student_id and revoked_at is null;
        return null;
      end $$;`);
    // The WHEN clause is checked without calling the function: a pass (the hot path) costs nothing.
    this.addSql(`create trigger clearance_reopen_revokes_certificate after update of status on clearance
      for each row when (new.status in ('pending', 'returned') and old.status in ('passed', 'not_applicable'))
      execute function certificate_revoke_on_reopen();`);

    this.addSql(`create function certificate_forget_student() returns trigger language plpgsql as $$
      begin
        new.token := null;
        new.revoked_at := coalesce(new.revoked_at, now());
        new.revoked_reason := coalesce(new.revoked_reason, 'purged');
        return new;
      end $$;`);
    this.addSql(`create trigger certificate_student_gone before update of student_id on certificate
      for each row when (old.student_id is not null and new.student_id is null)
      execute function certificate_forget_student();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists clearance_reopen_revokes_certificate on clearance;`);
    this.addSql(`drop table "certificate";`);
    this.addSql(`drop table "signing_key";`);
    this.addSql(`drop function if exists certificate_revoke_on_reopen();`);
    this.addSql(`drop function if exists certificate_forget_student();`);
  }
}
