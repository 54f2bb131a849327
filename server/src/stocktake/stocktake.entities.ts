import { BigIntType, Entity, Enum, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import type { StocktakeScope, StoreCountStatus } from '@stockfleet/shared';

@Entity({ tableName: 'stocktake' })
export class Stocktake {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ length: 120 }) name!: string;
  @Enum({ items: ['draft', 'running', 'done', 'cancelled'] }) status: Opt<'draft' | 'running' | 'done' | 'cancelled'> = 'draft';
  @Property({ type: 'jsonb' }) scope!: StocktakeScope;
  @Property({ type: 'boolean' }) blind: Opt<boolean> = true;
  @Property({ type: 'boolean' }) practice: Opt<boolean> = false;
  /** The tills a practice count drills on; empty for a real count (every till of each store). */
  @Property({ type: 'jsonb', default: '[]' }) practiceTerminalIds: Opt<string[]> = [];
  @Property({ type: 'jsonb' }) thresholds!: { quantity: number; percent: number; valueCents: number };
  @Property({ type: 'integer' }) graceSeconds: Opt<number> = 60;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) createdAt!: Opt<Date>;
  @Property({ type: 'uuid', nullable: true }) createdBy: string | null = null;
  @Property({ length: 200, nullable: true }) createdByName: string | null = null;
  @Property({ type: 'timestamptz', nullable: true }) startedAt: Date | null = null;
  @Property({ type: 'timestamptz', nullable: true }) finishedAt: Date | null = null;
}

/** One store's count within a stocktake; its status row is the lock every transition takes. */
@Entity({ tableName: 'stocktake_store' })
@Index({ properties: ['storeId', 'status'] })
export class StocktakeStore {
  @PrimaryKey({ type: 'uuid' }) stocktakeId!: string;
  @PrimaryKey({ type: 'uuid' }) storeId!: string;
  @Enum({ items: ['pending', 'freezing', 'counting', 'review', 'approved', 'cancelled'] }) status: Opt<StoreCountStatus> = 'pending';
  @Property({ type: 'timestamptz', nullable: true }) freezeAt: Date | null = null;
  @Property({ type: 'timestamptz', nullable: true }) snapshotAt: Date | null = null;
  /**
   * The snapshot: the highest ledger movement id it includes, taken with the store's ledger locked.
   * Book at snapshot = balance − movements after it; later sales correct the expected quantity.
   */
  @Property({ type: new BigIntType('string'), nullable: true }) snapshotMovementId: string | null = null;
  @Property({ type: 'jsonb', defaultRaw: `'[]'` }) forced: Opt<Array<{ id: string; reason: string; by: string }>> = [];
  /** The last ledger movement the approved result accounts for (late sales after it belong to the next count). */
  @Property({ type: new BigIntType('string'), nullable: true }) closedMovementId: string | null = null;
  @Property({ type: 'timestamptz', nullable: true }) approvedAt: Date | null = null;
  @Property({ length: 200, nullable: true }) approvedBy: string | null = null;
  @Property({ type: 'integer', nullable: true }) scopeProducts: number | null = null;
}

/** A counted line from a till; its id is the till's UUID so a retried delivery is a no-op. */
@Entity({ tableName: 'count_entry' })
@Index({ properties: ['stocktakeId', 'storeId', 'productId'] })
@Unique({ properties: ['terminalId', 'stocktakeId', 'seq'] })
// One count per RFID tag per store (partial index, written by hand in the migration).
@Unique({ name: 'count_entry_epc_unique', expression: 'create unique index "count_entry_epc_unique" on "count_entry" ("stocktake_id", "store_id", "epc") where "epc" is not null' })
export class CountEntry {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ type: 'uuid' }) stocktakeId!: string;
  @Property({ type: 'uuid' }) storeId!: string;
  @Property({ type: 'uuid' }) terminalId!: string;
  @Property({ type: 'uuid', nullable: true }) staffId: string | null = null;
  @Property({ type: 'uuid' }) zoneId!: string;
  @Property({ type: 'uuid' }) productId!: string;
  @Property({ type: 'integer' }) quantity!: number;
  @Property({ length: 24, nullable: true }) epc: string | null = null;
  @Property({ type: 'integer' }) round: Opt<number> = 0;
  @Property({ type: 'uuid', nullable: true }) recountZoneId: string | null = null;
  @Property({ type: 'uuid', nullable: true }) recountTaskId: string | null = null;
  @Property({ type: new BigIntType('number') }) seq!: number;
  @Property({ type: 'timestamptz' }) countedAt!: Date;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) receivedAt!: Opt<Date>;
}

@Entity({ tableName: 'recount_task' })
@Index({ properties: ['stocktakeId', 'storeId', 'status'] })
export class RecountTask {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ type: 'uuid' }) stocktakeId!: string;
  @Property({ type: 'uuid' }) storeId!: string;
  @Property({ type: 'uuid' }) productId!: string;
  @Property({ type: 'uuid', nullable: true }) zoneId: string | null = null;
  @Property({ type: 'integer' }) round!: number;
  @Enum({ items: ['open', 'done'] }) status: Opt<'open' | 'done'> = 'open';
  @Property({ length: 200, nullable: true }) requestedBy: string | null = null;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) createdAt!: Opt<Date>;
}

@Entity({ tableName: 'variance_reason' })
export class VarianceReason {
  @PrimaryKey({ type: 'uuid' }) stocktakeId!: string;
  @PrimaryKey({ type: 'uuid' }) storeId!: string;
  @PrimaryKey({ type: 'uuid' }) productId!: string;
  @Property({ length: 40 }) reason!: string;
  @Property({ length: 200, nullable: true }) setBy: string | null = null;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) setAt!: Opt<Date>;
}

/**
 * One product's result in one store, frozen when the store's count is approved: what reports read.
 * Live variance keeps moving with later sales; this record never does, so a report built twice is the same file.
 */
@Entity({ tableName: 'stocktake_line' })
export class StocktakeLine {
  @PrimaryKey({ type: 'uuid' }) stocktakeId!: string;
  @PrimaryKey({ type: 'uuid' }) storeId!: string;
  @PrimaryKey({ type: 'uuid' }) productId!: string;
  @Property({ length: 64 }) sku!: string;
  @Property({ length: 200 }) name!: string;
  @Property({ length: 100 }) category!: string;
  @Property({ type: 'integer' }) unitCostCents!: number;
  /** Book at the snapshot. */
  @Property({ type: 'integer' }) book!: number;
  /** Sold before the freeze but recorded after the snapshot (offline tills). */
  @Property({ type: 'integer' }) lateSales!: number;
  /** Sold (or returned) during the freeze, recorded after the snapshot. */
  @Property({ type: 'integer' }) soldDuringFreeze!: number;
  @Property({ type: 'integer' }) expected!: number;
  @Property({ type: 'integer' }) counted!: number;
  @Property({ type: 'boolean' }) uncounted!: boolean;
  @Property({ type: 'integer' }) variance!: number;
  @Property({ type: new BigIntType('number') }) varianceValueCents!: number;
  @Property({ type: 'boolean' }) overThreshold!: boolean;
  @Property({ type: 'integer' }) recountRounds: Opt<number> = 0;
  @Property({ length: 40, nullable: true }) reason: string | null = null;
  /** Whether approval posted this line to the ledger (full counts post uncounted lines; practice never posts). */
  @Property({ type: 'boolean' }) posted!: boolean;
}
