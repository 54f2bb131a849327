import { Migration } from '@mikro-orm/migrations';

export class Migration20261128111849 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "stocktake" add column "practice_terminal_ids" jsonb not null default '[]';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "stocktake" drop column "practice_terminal_ids";`);
  }

}
