import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

@Entity({ tableName: 'chain' })
export class Chain {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = randomUUID();
  @Property({ length: 200 }) name!: string;
}

@Entity({ tableName: 'region' })
export class Region {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = randomUUID();
  @ManyToOne(() => Chain, { deleteRule: 'restrict' }) chain!: Chain;
  @Property({ length: 200 }) name!: string;
}

@Entity({ tableName: 'store' })
export class Store {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = randomUUID();
  @ManyToOne(() => Region, { deleteRule: 'restrict' }) region!: Region;
  @Property({ length: 32, unique: true }) code!: string;
  @Property({ length: 200 }) name!: string;
  /** IANA time zone, for schedules and reports. */
  @Property({ length: 64 }) timezone: Opt<string> = 'UTC';
}

export type ZoneKind = 'aisle' | 'shelf' | 'backroom';

@Entity({ tableName: 'zone' })
@Unique({ properties: ['store', 'code'] })
export class Zone {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = randomUUID();
  @ManyToOne(() => Store, { deleteRule: 'cascade' }) store!: Store;
  @Property({ length: 32 }) code!: string;
  @Property({ length: 200 }) name!: string;
  @Enum({ items: ['aisle', 'shelf', 'backroom'] }) kind: Opt<ZoneKind> = 'aisle';
}

/** A person who works the tills; identifies with a PIN or a badge so every sale and count line has a name. */
@Entity({ tableName: 'staff_member' })
@Unique({ properties: ['store', 'pinHash'] })
@Index({ properties: ['badgeHash'] })
export class StaffMember {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = randomUUID();
  @ManyToOne(() => Store, { deleteRule: 'cascade' }) store!: Store;
  @Property({ length: 100 }) name!: string;
  /** HMAC of the PIN with the hub secret: PINs are short, so a keyed hash is what keeps them from a table dump. */
  @Property({ length: 64 }) pinHash!: string;
  @Property({ length: 64, nullable: true }) badgeHash: string | null = null;
  @Property({ type: 'timestamptz' }) createdAt: Opt<Date> = new Date();
  @Property({ type: 'timestamptz', nullable: true }) disabledAt: Date | null = null;
}
