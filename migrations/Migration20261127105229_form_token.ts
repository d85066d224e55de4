import { Migration } from '@mikro-orm/migrations';

// Generated, then reviewed: the generator also proposed dropping the hand-written checks of the initial
// migration (it cannot see them in the entities); those lines were removed.
export class Migration20261127105229_form_token extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "student" add column "form_token" text not null default replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '');`,
    );
    this.addSql(`alter table "student" add constraint "student_form_token_unique" unique ("form_token");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "student" drop constraint "student_form_token_unique";`);
    this.addSql(`alter table "student" drop column "form_token";`);
  }
}
