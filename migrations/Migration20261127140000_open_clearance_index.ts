import { Migration } from '@mikro-orm/migrations';

// Written by hand: a partial index of the clearances still open (pending or returned) per step. Every card answer
// counts its office's open students; this index lets that count read only open rows, without visiting the table.
export class Migration20261127140000_open_clearance_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "clearance_open_by_step" on "clearance" ("step_key") where "status" in ('pending', 'returned');`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "clearance_open_by_step";`);
  }
}
