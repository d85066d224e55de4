import { Migration } from '@mikro-orm/migrations';

// Written by hand: the language a person reads cards in. Null is "not on file", read as Chinese (the default);
// a platform that can carry both languages (Feishu) may then let the viewer's client choose.
export class Migration20261206023521_person_lang extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "person" add column "lang" text null check ("lang" in ('zh', 'en'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "person" drop column "lang";`);
  }
}
