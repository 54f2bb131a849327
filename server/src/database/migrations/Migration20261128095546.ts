import { Migration } from '@mikro-orm/migrations';

export class Migration20261128095546 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "audit_event" ("id" bigserial primary key, "at" timestamptz not null default now(), "actor_type" text check ("actor_type" in ('user', 'terminal', 'system')) not null, "actor_id" uuid null, "actor_name" varchar(200) null, "action" varchar(100) not null, "store_id" uuid null, "subject" varchar(200) null, "details" jsonb null, "ip" varchar(64) null);`);
    this.addSql(`create index "audit_event_at_index" on "audit_event" ("at");`);
    this.addSql(`create index "audit_event_action_at_index" on "audit_event" ("action", "at");`);
    this.addSql(`create index "audit_event_store_id_at_index" on "audit_event" ("store_id", "at");`);

    this.addSql(`create table "chain" ("id" uuid not null, "name" varchar(200) not null, constraint "chain_pkey" primary key ("id"));`);

    this.addSql(`create table "movement_batch" ("key" varchar(128) not null, "request_hash" varchar(64) not null, "kind" varchar(40) not null, "created_at" timestamptz not null default now(), constraint "movement_batch_pkey" primary key ("key"));`);

    this.addSql(`create table "product" ("id" uuid not null, "sku" varchar(64) not null, "name" varchar(200) not null, "category" varchar(100) not null, "unit_cost_cents" int not null, "unit_price_cents" int not null default 0, "uom" text check ("uom" in ('piece', 'g', 'ml')) not null default 'piece', "low_stock_threshold" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "product_pkey" primary key ("id"));`);
    this.addSql(`alter table "product" add constraint "product_sku_unique" unique ("sku");`);
    this.addSql(`create index "product_category_index" on "product" ("category");`);

    this.addSql(`create table "barcode" ("code" varchar(64) not null, "product_id" uuid not null, "kind" text check ("kind" in ('gtin', 'pack', 'internal')) not null default 'gtin', "multiplier" int not null default 1, constraint "barcode_pkey" primary key ("code"));`);
    this.addSql(`create index "barcode_product_id_index" on "barcode" ("product_id");`);

    this.addSql(`create table "region" ("id" uuid not null, "chain_id" uuid not null, "name" varchar(200) not null, constraint "region_pkey" primary key ("id"));`);

    this.addSql(`create table "sale" ("id" uuid not null, "terminal_id" uuid not null, "store_id" uuid not null, "seq" bigint not null, "kind" text check ("kind" in ('sale', 'return')) not null, "tender" text check ("tender" in ('cash', 'card', 'other')) not null, "staff_id" uuid null, "till_at" timestamptz not null, "corrected_at" timestamptz not null, "received_at" timestamptz not null default now(), "total_cents" int not null, "lines" jsonb not null, constraint "sale_pkey" primary key ("id"));`);
    this.addSql(`create index "sale_store_id_received_at_index" on "sale" ("store_id", "received_at");`);
    this.addSql(`alter table "sale" add constraint "sale_terminal_id_seq_unique" unique ("terminal_id", "seq");`);

    this.addSql(`create table "store" ("id" uuid not null, "region_id" uuid not null, "code" varchar(32) not null, "name" varchar(200) not null, "timezone" varchar(64) not null default 'UTC', constraint "store_pkey" primary key ("id"));`);
    this.addSql(`alter table "store" add constraint "store_code_unique" unique ("code");`);

    this.addSql(`create table "stock_movement" ("id" bigserial primary key, "store_id" uuid not null, "product_id" uuid not null, "kind" text check ("kind" in ('receipt', 'transfer_out', 'transfer_in', 'adjustment', 'sale', 'return', 'stocktake')) not null, "quantity" int not null, "reason" varchar(40) null, "source" varchar(80) not null, "idempotency_key" varchar(160) not null, "batch_key" varchar(128) not null, "occurred_at" timestamptz not null, "recorded_at" timestamptz not null default now(), "actor" varchar(200) null);`);
    this.addSql(`alter table "stock_movement" add constraint "stock_movement_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "stock_movement_batch_key_index" on "stock_movement" ("batch_key");`);
    this.addSql(`create index "stock_movement_product_id_store_id_id_index" on "stock_movement" ("product_id", "store_id", "id");`);

    this.addSql(`create table "stock_balance" ("store_id" uuid not null, "product_id" uuid not null, "on_hand" int not null default 0, "updated_at" timestamptz not null default now(), constraint "stock_balance_pkey" primary key ("store_id", "product_id"));`);
    this.addSql(`create index "stock_balance_product_id_index" on "stock_balance" ("product_id");`);

    this.addSql(`create table "staff_member" ("id" uuid not null, "store_id" uuid not null, "name" varchar(100) not null, "pin_hash" varchar(64) not null, "badge_hash" varchar(64) null, "created_at" timestamptz not null, "disabled_at" timestamptz null, constraint "staff_member_pkey" primary key ("id"));`);
    this.addSql(`create index "staff_member_badge_hash_index" on "staff_member" ("badge_hash");`);
    this.addSql(`alter table "staff_member" add constraint "staff_member_store_id_pin_hash_unique" unique ("store_id", "pin_hash");`);

    this.addSql(`create table "enrolment_code" ("code_hash" varchar(64) not null, "store_id" uuid not null, "terminal_name" varchar(60) not null, "terminal_id" uuid null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_by" uuid null, constraint "enrolment_code_pkey" primary key ("code_hash"));`);

    this.addSql(`create table "terminal" ("id" uuid not null, "store_id" uuid not null, "name" varchar(60) not null, "token_hash" varchar(64) null, "created_at" timestamptz not null, "paired_at" timestamptz null, "revoked_at" timestamptz null, "desired_mode" text check ("desired_mode" in ('selling', 'frozen', 'counting', 'locked')) not null default 'selling', "desired_epoch" bigint not null default 0, "desired_reason" jsonb not null, "desired_since" timestamptz not null, "remote_locked" boolean not null default false, "reported_mode" text check ("reported_mode" in ('selling', 'frozen', 'counting', 'locked')) null, "reported_epoch" bigint null, "reported_state" jsonb null, "last_seen_at" timestamptz null, "online" boolean not null default false, "clock_offset_ms" int null, "rtt_ms" int null, constraint "terminal_pkey" primary key ("id"));`);
    this.addSql(`alter table "terminal" add constraint "terminal_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "terminal_store_id_index" on "terminal" ("store_id");`);

    this.addSql(`create table "app_user" ("id" uuid not null, "email" varchar(200) not null, "name" varchar(200) not null, "password_hash" varchar(200) not null, "role" text check ("role" in ('admin', 'manager', 'auditor')) not null, "store_ids" uuid[] not null, "created_at" timestamptz not null, "disabled_at" timestamptz null, constraint "app_user_pkey" primary key ("id"));`);
    this.addSql(`alter table "app_user" add constraint "app_user_email_unique" unique ("email");`);

    this.addSql(`create table "user_session" ("token_hash" varchar(64) not null, "user_id" uuid not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "ip" varchar(64) null, constraint "user_session_pkey" primary key ("token_hash"));`);
    this.addSql(`create index "user_session_user_id_index" on "user_session" ("user_id");`);
    this.addSql(`create index "user_session_expires_at_index" on "user_session" ("expires_at");`);

    this.addSql(`create table "zone" ("id" uuid not null, "store_id" uuid not null, "code" varchar(32) not null, "name" varchar(200) not null, "kind" text check ("kind" in ('aisle', 'shelf', 'backroom')) not null default 'aisle', constraint "zone_pkey" primary key ("id"));`);
    this.addSql(`alter table "zone" add constraint "zone_store_id_code_unique" unique ("store_id", "code");`);

    this.addSql(`alter table "barcode" add constraint "barcode_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "region" add constraint "region_chain_id_foreign" foreign key ("chain_id") references "chain" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "store" add constraint "store_region_id_foreign" foreign key ("region_id") references "region" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "stock_movement" add constraint "stock_movement_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "stock_movement" add constraint "stock_movement_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "stock_balance" add constraint "stock_balance_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "stock_balance" add constraint "stock_balance_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "staff_member" add constraint "staff_member_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "enrolment_code" add constraint "enrolment_code_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "terminal" add constraint "terminal_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "user_session" add constraint "user_session_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "zone" add constraint "zone_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade on delete cascade;`);
  }

}
