import { Migration } from '@mikro-orm/migrations';

export class Migration20261128135730 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "stock_movement_store_id_occurred_at_index" on "stock_movement" ("store_id", "occurred_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "stock_movement_store_id_occurred_at_index";`);
  }

}
