import { BigIntType, Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import type { MovementKind } from '@stockfleet/shared';
import { Product } from '../catalog/catalog.entities.js';
import { Store } from '../org/org.entities.js';

/**
 * The stock ledger: append-only. On-hand quantity is the sum of a store × product's movements;
 * `stock_balance` keeps that sum, maintained in the same transaction as each movement.
 */
@Entity({ tableName: 'stock_movement' })
@Index({ properties: ['product', 'store', 'id'] })
// Sales over a window per store: ABC classes of count plans, slow movers.
@Index({ properties: ['store', 'occurredAt'] })
export class StockMovement {
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true }) id!: string;
  @ManyToOne(() => Store, { deleteRule: 'restrict' }) store!: Store;
  @ManyToOne(() => Product, { deleteRule: 'restrict' }) product!: Product;
  @Enum({ items: ['receipt', 'transfer_out', 'transfer_in', 'adjustment', 'sale', 'return', 'stocktake'] })
  kind!: MovementKind;
  /** Signed: receipts add, sales subtract. */
  @Property({ type: 'integer' }) quantity!: number;
  /** An adjustment's reason code, or a receipt's / transfer's reference. */
  @Property({ length: 100, nullable: true }) reason: string | null = null;
  /** An adjustment's note, as the user wrote it. */
  @Property({ length: 500, nullable: true }) note: string | null = null;
  /** Where it came from: `api`, `till:<terminalId>`, `stocktake:<id>`, `import`, `seed`. */
  @Property({ length: 80 }) source!: string;
  /** Unique per movement: `<request key>#<line>`, so a retried request can never post twice. */
  @Property({ length: 160, unique: true }) idempotencyKey!: string;
  @Index() @Property({ length: 128 }) batchKey!: string;
  @Property({ type: 'timestamptz' }) occurredAt!: Date;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) recordedAt!: Date;
  @Property({ length: 200, nullable: true }) actor: string | null = null;
}

/** One posted request (receipt, transfer, adjustment, sale): remembers its payload hash to spot a key reused for other data. */
@Entity({ tableName: 'movement_batch' })
export class MovementBatch {
  @PrimaryKey({ length: 128 }) key!: string;
  @Property({ length: 64 }) requestHash!: string;
  @Property({ length: 40 }) kind!: string;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) createdAt!: Date;
}

@Entity({ tableName: 'stock_balance' })
@Index({ properties: ['product'] })
export class StockBalance {
  @ManyToOne(() => Store, { primary: true, deleteRule: 'restrict' }) store!: Store;
  @ManyToOne(() => Product, { primary: true, deleteRule: 'restrict' }) product!: Product;
  @Property({ type: 'integer' }) onHand: Opt<number> = 0;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) updatedAt!: Date;
}
