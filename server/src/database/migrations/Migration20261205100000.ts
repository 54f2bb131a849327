import { Migration } from '@mikro-orm/migrations';

/**
 * Text and number hygiene. An adjustment's note used to be accepted and dropped: it gets a column.
 * `reason` also holds receipt and transfer references, which the API accepts up to 100 characters
 * (40 overflowed into a 500). A till's measured clock offset outgrows int4 (±24.8 days in ms) when its
 * clock battery died and it boots in 1970; the offset is what places its sales, so it is kept whole.
 */
export class Migration20261205100000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "stock_movement" add column "note" varchar(500) null;`);
    this.addSql(`alter table "stock_movement" alter column "reason" type varchar(100);`);
    this.addSql(`alter table "terminal" alter column "clock_offset_ms" type bigint;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "terminal" alter column "clock_offset_ms" type int using greatest(least("clock_offset_ms", 2147483647), -2147483648)::int;`);
    this.addSql(`alter table "stock_movement" alter column "reason" type varchar(40) using left("reason", 40);`);
    this.addSql(`alter table "stock_movement" drop column "note";`);
  }

}
