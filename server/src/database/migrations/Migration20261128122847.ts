import { Migration } from '@mikro-orm/migrations';

export class Migration20261128122847 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "count_plan" ("id" uuid not null, "name" varchar(120) not null, "enabled" boolean not null default true, "cadence" text check ("cadence" in ('daily', 'weekly', 'monthly')) not null, "time_of_day" varchar(5) not null, "timezone" varchar(64) not null, "weekday" int null, "day_of_month" int null, "store_ids" jsonb not null, "method" text check ("method" in ('full', 'abc')) not null, "abc" jsonb not null, "blind" boolean not null default true, "auto_start" boolean not null default false, "created_by" uuid null, "created_by_name" varchar(200) null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "last_run_at" timestamptz null, "last_stocktake_id" uuid null, constraint "count_plan_pkey" primary key ("id"));`);

    this.addSql(`create table "count_plan_run" ("plan_id" uuid not null, "run_key" varchar(64) not null, "ran_at" timestamptz not null default now(), "stocktake_id" uuid null, "products" int not null default 0, "classes" jsonb null, "note" text null, constraint "count_plan_run_pkey" primary key ("plan_id", "run_key"));`);

    this.addSql(`create table "low_stock_alert" ("id" uuid not null, "store_id" uuid not null, "product_id" uuid not null, "threshold" int not null, "on_hand_at_raise" int not null, "raised_at" timestamptz not null default now(), "cleared_at" timestamptz null, "on_hand_at_clear" int null, constraint "low_stock_alert_pkey" primary key ("id"));`);
    this.addSql(`create index "low_stock_alert_store_id_raised_at_index" on "low_stock_alert" ("store_id", "raised_at");`);
    this.addSql(`create unique index "low_stock_alert_open_unique" on "low_stock_alert" ("store_id", "product_id") where "cleared_at" is null;`);

    this.addSql(`create table "report" ("id" uuid not null, "kind" varchar(40) not null, "title" varchar(300) not null, "stocktake_id" uuid null, "store_id" uuid null, "store_scope" jsonb null, "params" jsonb not null default '{}', "status" text check ("status" in ('queued', 'running', 'done', 'failed')) not null default 'queued', "progress" int not null default 0, "parts_total" int not null default 0, "error" text null, "attempts" int not null default 0, "requested_by" uuid null, "requested_by_name" varchar(200) null, "created_at" timestamptz not null default now(), "started_at" timestamptz null, "finished_at" timestamptz null, constraint "report_pkey" primary key ("id"));`);
    this.addSql(`create index "report_created_at_index" on "report" ("created_at");`);
    this.addSql(`create index "report_stocktake_id_index" on "report" ("stocktake_id");`);

    this.addSql(`create table "report_file" ("report_id" uuid not null, "format" varchar(8) not null, "file_name" varchar(200) not null, "path" varchar(400) not null, "bytes" bigint not null, "sha256" varchar(64) not null, "rows" bigint not null, "created_at" timestamptz not null default now(), constraint "report_file_pkey" primary key ("report_id", "format"));`);

    this.addSql(`create table "report_part" ("report_id" uuid not null, "store_id" uuid not null, "rows" bigint not null, "created_at" timestamptz not null default now(), constraint "report_part_pkey" primary key ("report_id", "store_id"));`);

    this.addSql(`create table "stocktake_line" ("stocktake_id" uuid not null, "store_id" uuid not null, "product_id" uuid not null, "sku" varchar(64) not null, "name" varchar(200) not null, "category" varchar(100) not null, "unit_cost_cents" int not null, "book" int not null, "late_sales" int not null, "sold_during_freeze" int not null, "expected" int not null, "counted" int not null, "uncounted" boolean not null, "variance" int not null, "variance_value_cents" bigint not null, "over_threshold" boolean not null, "recount_rounds" int not null default 0, "reason" varchar(40) null, "posted" boolean not null, constraint "stocktake_line_pkey" primary key ("stocktake_id", "store_id", "product_id"));`);

    this.addSql(`alter table "stocktake_store" add column "closed_movement_id" bigint null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "count_plan" cascade;`);

    this.addSql(`drop table if exists "count_plan_run" cascade;`);

    this.addSql(`drop table if exists "low_stock_alert" cascade;`);

    this.addSql(`drop table if exists "report" cascade;`);

    this.addSql(`drop table if exists "report_file" cascade;`);

    this.addSql(`drop table if exists "report_part" cascade;`);

    this.addSql(`drop table if exists "stocktake_line" cascade;`);

    this.addSql(`alter table "stocktake_store" drop column "closed_movement_id";`);
  }

}
