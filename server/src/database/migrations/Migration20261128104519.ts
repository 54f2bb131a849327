import { Migration } from '@mikro-orm/migrations';

export class Migration20261128104519 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "count_entry" ("id" uuid not null, "stocktake_id" uuid not null, "store_id" uuid not null, "terminal_id" uuid not null, "staff_id" uuid null, "zone_id" uuid not null, "product_id" uuid not null, "quantity" int not null, "epc" varchar(24) null, "round" int not null default 0, "recount_zone_id" uuid null, "recount_task_id" uuid null, "seq" bigint not null, "counted_at" timestamptz not null, "received_at" timestamptz not null default now(), constraint "count_entry_pkey" primary key ("id"));`);
    // One count per RFID tag per store, however often and by however many tills it is read.
    this.addSql(`create unique index "count_entry_epc_unique" on "count_entry" ("stocktake_id", "store_id", "epc") where "epc" is not null;`);
    this.addSql(`create index "count_entry_stocktake_id_store_id_product_id_index" on "count_entry" ("stocktake_id", "store_id", "product_id");`);
    this.addSql(`alter table "count_entry" add constraint "count_entry_terminal_id_stocktake_id_seq_unique" unique ("terminal_id", "stocktake_id", "seq");`);

    this.addSql(`create table "recount_task" ("id" uuid not null, "stocktake_id" uuid not null, "store_id" uuid not null, "product_id" uuid not null, "zone_id" uuid null, "round" int not null, "status" text check ("status" in ('open', 'done')) not null default 'open', "requested_by" varchar(200) null, "created_at" timestamptz not null default now(), constraint "recount_task_pkey" primary key ("id"));`);
    this.addSql(`create index "recount_task_stocktake_id_store_id_status_index" on "recount_task" ("stocktake_id", "store_id", "status");`);

    this.addSql(`create table "stocktake" ("id" uuid not null, "name" varchar(120) not null, "status" text check ("status" in ('draft', 'running', 'done', 'cancelled')) not null default 'draft', "scope" jsonb not null, "blind" boolean not null default true, "practice" boolean not null default false, "thresholds" jsonb not null, "grace_seconds" int not null default 60, "created_at" timestamptz not null default now(), "created_by" uuid null, "created_by_name" varchar(200) null, "started_at" timestamptz null, "finished_at" timestamptz null, constraint "stocktake_pkey" primary key ("id"));`);

    this.addSql(`create table "stocktake_snapshot" ("stocktake_id" uuid not null, "store_id" uuid not null, "product_id" uuid not null, "book" int not null, constraint "stocktake_snapshot_pkey" primary key ("stocktake_id", "store_id", "product_id"));`);

    this.addSql(`create table "stocktake_store" ("stocktake_id" uuid not null, "store_id" uuid not null, "status" text check ("status" in ('pending', 'freezing', 'counting', 'review', 'approved', 'cancelled')) not null default 'pending', "freeze_at" timestamptz null, "snapshot_at" timestamptz null, "snapshot_movement_id" bigint null, "forced" jsonb not null default '[]', "approved_at" timestamptz null, "approved_by" varchar(200) null, "scope_products" int null, constraint "stocktake_store_pkey" primary key ("stocktake_id", "store_id"));`);
    this.addSql(`create index "stocktake_store_store_id_status_index" on "stocktake_store" ("store_id", "status");`);

    this.addSql(`create table "variance_reason" ("stocktake_id" uuid not null, "store_id" uuid not null, "product_id" uuid not null, "reason" varchar(40) not null, "set_by" varchar(200) null, "set_at" timestamptz not null default now(), constraint "variance_reason_pkey" primary key ("stocktake_id", "store_id", "product_id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "count_entry" cascade;`);

    this.addSql(`drop table if exists "recount_task" cascade;`);

    this.addSql(`drop table if exists "stocktake" cascade;`);

    this.addSql(`drop table if exists "stocktake_snapshot" cascade;`);

    this.addSql(`drop table if exists "stocktake_store" cascade;`);

    this.addSql(`drop table if exists "variance_reason" cascade;`);
  }

}
