import { BigIntType, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import type { DesiredReason, TillMode } from '@stockfleet/shared';
import { randomUUID } from 'node:crypto';
import { Store } from '../org/org.entities.js';

const MODES = ['selling', 'frozen', 'counting', 'locked'];

/**
 * A till. The hub persists the mode the till *should* be in (desired, with an epoch that only grows)
 * and the last state the till *reported*; the gateway converges the two on every connect.
 */
@Entity({ tableName: 'terminal' })
@Index({ properties: ['store'] })
export class Terminal {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = randomUUID();
  @ManyToOne(() => Store, { deleteRule: 'restrict' }) store!: Store;
  @Property({ length: 60 }) name!: string;
  /** SHA-256 of the device token; null until paired. */
  @Property({ length: 64, nullable: true, unique: true }) tokenHash: string | null = null;
  @Property({ type: 'timestamptz' }) createdAt: Opt<Date> = new Date();
  @Property({ type: 'timestamptz', nullable: true }) pairedAt: Date | null = null;
  @Property({ type: 'timestamptz', nullable: true }) revokedAt: Date | null = null;

  @Enum({ items: MODES }) desiredMode: Opt<TillMode> = 'selling';
  @Property({ type: 'bigint', defaultRaw: '0' }) desiredEpoch: Opt<number> = 0;
  @Property({ type: 'jsonb' }) desiredReason: Opt<DesiredReason> = { kind: 'none', stocktakeId: null, practice: false, by: null, message: null };
  @Property({ type: 'timestamptz' }) desiredSince: Opt<Date> = new Date();
  /** True while the till is locked remotely (kept apart from stocktake modes so unlock restores them). */
  @Property({ type: 'boolean', default: false }) remoteLocked: Opt<boolean> = false;

  @Enum({ items: MODES, nullable: true }) reportedMode: TillMode | null = null;
  @Property({ type: 'bigint', nullable: true }) reportedEpoch: number | null = null;
  @Property({ type: 'jsonb', nullable: true }) reportedState: Record<string, unknown> | null = null;
  @Property({ type: 'timestamptz', nullable: true }) lastSeenAt: Date | null = null;
  @Property({ type: 'boolean', default: false }) online: Opt<boolean> = false;
  /** bigint: a till booted in 1970 (dead clock battery) is decades off, and still placed by it. */
  @Property({ type: 'bigint', nullable: true }) clockOffsetMs: number | null = null;
  @Property({ type: 'integer', nullable: true }) rttMs: number | null = null;
}

/** A short-lived, single-use code that pairs a till with a store. Only its hash is stored. */
@Entity({ tableName: 'enrolment_code' })
export class EnrolmentCode {
  @PrimaryKey({ length: 64 }) codeHash!: string;
  @ManyToOne(() => Store, { deleteRule: 'cascade' }) store!: Store;
  @Property({ length: 60 }) terminalName!: string;
  @Property({ type: 'uuid', nullable: true }) terminalId: string | null = null;
  @Property({ type: 'timestamptz' }) createdAt: Opt<Date> = new Date();
  @Property({ type: 'timestamptz' }) expiresAt!: Date;
  @Property({ type: 'timestamptz', nullable: true }) usedAt: Date | null = null;
  @Property({ type: 'uuid', nullable: true }) createdBy: string | null = null;
}

/** A sale or return as delivered by a till; its id is the till's idempotency key. */
@Entity({ tableName: 'sale' })
@Unique({ properties: ['terminalId', 'seq'] })
@Index({ properties: ['storeId', 'receivedAt'] })
export class Sale {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ type: 'uuid' }) terminalId!: string;
  @Property({ type: 'uuid' }) storeId!: string;
  @Property({ type: new BigIntType('number') }) seq!: number;
  @Enum({ items: ['sale', 'return'] }) kind!: 'sale' | 'return';
  @Enum({ items: ['cash', 'card', 'other'] }) tender!: 'cash' | 'card' | 'other';
  @Property({ type: 'uuid', nullable: true }) staffId: string | null = null;
  /** The till's clock when the sale was completed. */
  @Property({ type: 'timestamptz' }) tillAt!: Date;
  /** tillAt corrected by the clock offset the hub measured for that till. */
  @Property({ type: 'timestamptz' }) correctedAt!: Date;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) receivedAt!: Date;
  @Property({ type: 'integer' }) totalCents!: number;
  @Property({ type: 'jsonb' }) lines!: unknown;
}
