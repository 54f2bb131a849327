import { Migration } from '@mikro-orm/migrations';

export class Migration20261128114259 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop table if exists "stocktake_snapshot" cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create table "stocktake_snapshot" ("stocktake_id" uuid not null, "store_id" uuid not null, "product_id" uuid not null, "book" int4 not null, constraint "stocktake_snapshot_pkey" primary key ("stocktake_id", "store_id", "product_id"));`);
  }

}
