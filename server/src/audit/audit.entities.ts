import { BigIntType, Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';

/** Every command and state change: who, when, from where. Append-only. */
@Entity({ tableName: 'audit_event' })
@Index({ properties: ['storeId', 'at'] })
@Index({ properties: ['action', 'at'] })
export class AuditEvent {
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true }) id!: string;
  @Index() @Property({ type: 'timestamptz', defaultRaw: 'now()' }) at!: Date;
  @Enum({ items: ['user', 'terminal', 'system'] }) actorType!: 'user' | 'terminal' | 'system';
  @Property({ type: 'uuid', nullable: true }) actorId: string | null = null;
  @Property({ length: 200, nullable: true }) actorName: string | null = null;
  @Property({ length: 100 }) action!: string;
  @Property({ type: 'uuid', nullable: true }) storeId: string | null = null;
  @Property({ length: 200, nullable: true }) subject: string | null = null;
  @Property({ type: 'jsonb', nullable: true }) details: unknown = null;
  @Property({ length: 64, nullable: true }) ip: string | null = null;
}
