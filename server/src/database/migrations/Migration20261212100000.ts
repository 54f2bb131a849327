import { Migration } from '@mikro-orm/migrations';

/**
 * The transactional outbox: what must reach Redis after a commit (report jobs and their first live
 * event) is written in the same transaction as the change, and relayed to Redis after the commit by
 * whichever hub or worker process gets to it first (`for update skip locked`). A request never waits
 * on Redis; a Redis outage only delays the relay. `scope` is the BullMQ prefix the row is meant for
 * (one deployment, one prefix; tests run several side by side on one database).
 */
export class Migration20261212100000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "outbox" ("id" bigserial not null, "scope" varchar(200) not null, "topic" varchar(100) not null, "key" varchar(200) null, "payload" jsonb not null default '{}', "created_at" timestamptz not null default now(), "available_at" timestamptz not null default now(), "locked_until" timestamptz null, "attempts" int not null default 0, "last_error" varchar(2000) null, constraint "outbox_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_scope_available_at_index" on "outbox" ("scope", "available_at");`);
    this.addSql(`create index "outbox_scope_key_index" on "outbox" ("scope", "key");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "outbox" cascade;`);
  }

}
