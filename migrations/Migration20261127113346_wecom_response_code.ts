import { Migration } from '@mikro-orm/migrations';

// Generated, then reviewed: only the response_code columns are kept (the generator also proposed dropping the
// hand-written checks and index of the initial migration, which it cannot see in the entities).
export class Migration20261127113346_wecom_response_code extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "delivered_card" add column "response_code" text null, add column "response_code_at" timestamptz null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "delivered_card" drop column "response_code", drop column "response_code_at";`);
  }
}
