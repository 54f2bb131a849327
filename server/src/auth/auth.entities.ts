import { ArrayType, Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Opt } from '@mikro-orm/core';
import type { Role } from '@stockfleet/shared';
import { randomUUID } from 'node:crypto';

@Entity({ tableName: 'app_user' })
export class User {
  @PrimaryKey({ type: 'uuid' }) id: Opt<string> = randomUUID();
  @Property({ length: 200, unique: true }) email!: string;
  @Property({ length: 200 }) name!: string;
  @Property({ length: 200, hidden: true }) passwordHash!: string;
  @Enum({ items: ['admin', 'manager', 'auditor'] }) role!: Role;
  /** Stores a manager may act on. */
  @Property({ type: ArrayType, columnType: 'uuid[]' }) storeIds: Opt<string[]> = [];
  @Property({ type: 'timestamptz' }) createdAt: Opt<Date> = new Date();
  @Property({ type: 'timestamptz', nullable: true }) disabledAt: Date | null = null;
}

/** A signed-in browser. The cookie holds a random token; only its SHA-256 is stored. */
@Entity({ tableName: 'user_session' })
export class UserSession {
  @PrimaryKey({ length: 64 }) tokenHash!: string;
  @ManyToOne(() => User, { deleteRule: 'cascade', index: true }) user!: User;
  @Property({ type: 'timestamptz' }) createdAt: Opt<Date> = new Date();
  @Index() @Property({ type: 'timestamptz' }) expiresAt!: Date;
  @Property({ length: 64, nullable: true }) ip: string | null = null;
}
