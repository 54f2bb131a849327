import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';

/**
 * Raised once when a balance falls below its product's threshold, cleared when restocked.
 * At most one open alert per store × product (partial unique index, written in the migration).
 */
@Entity({ tableName: 'low_stock_alert' })
@Index({ properties: ['storeId', 'raisedAt'] })
@Unique({ name: 'low_stock_alert_open_unique', expression: 'create unique index "low_stock_alert_open_unique" on "low_stock_alert" ("store_id", "product_id") where "cleared_at" is null' })
export class LowStockAlert {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ type: 'uuid' }) storeId!: string;
  @Property({ type: 'uuid' }) productId!: string;
  @Property({ type: 'integer' }) threshold!: number;
  @Property({ type: 'integer' }) onHandAtRaise!: number;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) raisedAt!: Opt<Date>;
  @Property({ type: 'timestamptz', nullable: true }) clearedAt: Date | null = null;
  @Property({ type: 'integer', nullable: true }) onHandAtClear: number | null = null;
}
