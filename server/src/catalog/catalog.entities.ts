import { Collection, Entity, Enum, Index, ManyToOne, OneToMany, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

@Entity({ tableName: 'product' })
export class Product {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = randomUUID();
  @Property({ length: 64, unique: true }) sku!: string;
  @Property({ length: 200 }) name!: string;
  @Index() @Property({ length: 100 }) category!: string;
  @Property({ type: 'integer' }) unitCostCents!: number;
  @Property({ type: 'integer' }) unitPriceCents: Opt<number> = 0;
  @Enum({ items: ['piece', 'g', 'ml'] }) uom: Opt<'piece' | 'g' | 'ml'> = 'piece';
  @Property({ type: 'integer' }) lowStockThreshold: Opt<number> = 0;
  @Property({ type: 'timestamptz' }) createdAt: Opt<Date> = new Date();
  @Property({ type: 'timestamptz', onUpdate: () => new Date() }) updatedAt: Opt<Date> = new Date();
  @OneToMany(() => Barcode, (b) => b.product) barcodes = new Collection<Barcode>(this);
}

/** A scannable code. One code belongs to exactly one product; pack codes carry how many units a scan means. */
@Entity({ tableName: 'barcode' })
export class Barcode {
  @PrimaryKey({ length: 64 }) code!: string;
  @ManyToOne(() => Product, { deleteRule: 'cascade', index: true }) product!: Product;
  @Enum({ items: ['gtin', 'pack', 'internal'] }) kind: Opt<'gtin' | 'pack' | 'internal'> = 'gtin';
  @Property({ type: 'integer' }) multiplier: Opt<number> = 1;
}
