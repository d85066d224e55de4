import { Migration } from '@mikro-orm/migrations';

// Written by hand: WeCom drops messages beyond 30 a minute to one member without a word, so its per-member buckets
// are counted in the database, where every instance sees the others' sends.
export class Migration20261127170000_rate_spend extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "rate_spend" ("id" bigserial primary key, "key" text not null, "at" timestamptz not null);`,
    );
    this.addSql(`create index "rate_spend_key_at_index" on "rate_spend" ("key", "at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "rate_spend";`);
  }
}
