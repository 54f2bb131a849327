import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type CreateUserInput, type SessionDto, type UpdateUserInput, type UserDto } from '@stockfleet/shared';
import { Subject } from 'rxjs';
import { AuditService, fromUser } from '../audit/audit.service.js';
import type { UserActor } from '../common/actor.js';
import { randomToken, sha256 } from '../common/crypto.js';
import { DomainException, forbidden, notFound } from '../common/domain-exception.js';
import { CredentialLimits } from '../common/limits/credential-limits.js';
import { loginLimits } from '../common/limits/limit-policy.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Store } from '../org/org.entities.js';
import { User, UserSession } from './auth.entities.js';
import { dummyHash, hashPassword, verifyPassword } from './password.js';

export function mapUser(u: User): UserDto {
  return {
    id: u.id, email: u.email, name: u.name, role: u.role, storeIds: [...u.storeIds], createdAt: u.createdAt.toISOString(),
    disabledAt: u.disabledAt ? u.disabledAt.toISOString() : null,
  };
}

/** Sessions that have just ended: one session (sign-out) or all of a user's (disabled, role or stores changed). */
export type EndedSessions = { tokenHash: string } | { userId: string };

@Injectable()
export class AuthService {
  /**
   * Told after the sessions are gone from the database. The admin gateway listens and closes their open
   * sockets on every hub node (auth lives in the core module, the sockets in fleet: the gateway depends
   * on this service, not the other way round).
   */
  readonly sessionsEnded = new Subject<EndedSessions>();

  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly limits: CredentialLimits,
  ) {}

  /** Counted against the sign-in limits before the password is looked at (see limit-policy.ts). */
  login(email: string, password: string, ip: string | null): Promise<{ token: string; session: SessionDto }> {
    const refusal = { actorType: 'user' as const, actorName: email.toLowerCase(), action: 'auth.login_rate_limited', ip };
    return this.limits.check(loginLimits(email, ip), refusal, () => this.verifyAndOpenSession(email, password, ip));
  }

  private async verifyAndOpenSession(email: string, password: string, ip: string | null): Promise<{ token: string; session: SessionDto }> {
    const em = this.em.fork();
    const user = await em.findOne(User, { email: email.toLowerCase() });
    const ok = user && !user.disabledAt ? await verifyPassword(user.passwordHash, password) : (await verifyPassword(await dummyHash(), password), false);
    if (!user || !ok) {
      await this.audit.record(em, { actorType: 'user', actorId: user?.id ?? null, actorName: email.toLowerCase(), action: 'auth.login_failed', ip });
      throw new DomainException(ErrorCode.InvalidCredentials, 'E-mail or password is wrong');
    }
    const token = randomToken();
    const expiresAt = new Date(Date.now() + this.config.sessionTtlHours * 3600_000);
    await em.transactional(async (tem) => {
      tem.create(UserSession, { tokenHash: sha256(token), user, expiresAt, ip });
      await this.audit.record(tem, { actorType: 'user', actorId: user.id, actorName: user.email, action: 'auth.login', ip });
    });
    return { token, session: { user: mapUser(user), expiresAt: expiresAt.toISOString() } };
  }

  async logout(token: string, actor: UserActor): Promise<void> {
    const em = this.em.fork();
    await em.transactional(async (tem) => {
      await tem.nativeDelete(UserSession, { tokenHash: sha256(token) });
      await this.audit.record(tem, { ...fromUser(actor), action: 'auth.logout' });
    });
    this.sessionsEnded.next({ tokenHash: sha256(token) });
  }

  /** Of these session token hashes, those still valid (not expired, not signed out, user not disabled). */
  async liveSessions(tokenHashes: string[]): Promise<Set<string>> {
    if (!tokenHashes.length) return new Set();
    const rows = await this.em.fork().find(
      UserSession,
      { tokenHash: { $in: tokenHashes }, expiresAt: { $gt: new Date() }, user: { disabledAt: null } },
      { fields: ['tokenHash'] },
    );
    return new Set(rows.map((r) => r.tokenHash));
  }

  /** Resolves a session cookie to an actor; expired or unknown tokens resolve to null. */
  async actorFromToken(token: string, ip: string | null): Promise<{ actor: UserActor; expiresAt: Date; createdAt: Date } | null> {
    const rows = await this.em.getConnection().execute<any[]>(
      `select u.id, u.name, u.email, u.role, u.store_ids, u.created_at, s.expires_at
         from user_session s join app_user u on u.id = s.user_id
        where s.token_hash = ? and s.expires_at > now() and u.disabled_at is null`,
      [sha256(token)],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      actor: { kind: 'user', id: r.id, name: r.name, email: r.email, role: r.role, storeIds: r.store_ids ?? [], ip },
      expiresAt: new Date(r.expires_at),
      createdAt: new Date(r.created_at),
    };
  }

  async createUser(input: CreateUserInput, actor: UserActor | null): Promise<UserDto> {
    const em = this.em.fork();
    const email = input.email.toLowerCase();
    if (await em.count(User, { email })) throw new DomainException(ErrorCode.Conflict, `A user with e-mail ${email} exists`);
    if (input.role === 'manager' && input.storeIds.length === 0) {
      throw new DomainException(ErrorCode.ValidationFailed, 'A manager needs at least one store', [{ path: 'storeIds', message: 'at least one store' }]);
    }
    await this.assertStoresExist(em, input.storeIds);
    const user = em.create(User, {
      email,
      name: input.name,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      storeIds: input.role === 'manager' ? [...new Set(input.storeIds)] : [],
    });
    await em.transactional(async (tem) => {
      tem.persist(user);
      await tem.flush();
      await this.audit.record(tem, {
        ...(actor ? fromUser(actor) : { actorType: 'system' as const, actorName: 'cli' }),
        action: 'user.created',
        subject: user.id,
        details: { email, role: input.role, storeIds: user.storeIds },
      });
    });
    return mapUser(user);
  }

  /**
   * An admin changes a user. Disabling, or changing role or stores, deletes every session of the user in
   * the same transaction (the cookie stops working at once; the new scope applies from the next sign-in)
   * and then closes their open sockets. Nobody disables or re-roles themselves: an admin could lock the
   * chain out of its own user management.
   */
  async updateUser(id: string, input: UpdateUserInput, actor: UserActor): Promise<UserDto> {
    const em = this.em.fork();
    let endSessions = false;
    const user = await em.transactional(async (tem) => {
      const u = await tem.findOne(User, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!u) throw notFound('User', id);
      const role = input.role ?? u.role;
      const storeIds = role === 'manager' ? [...new Set(input.storeIds ?? u.storeIds)] : [];
      const disabled = input.disabled ?? u.disabledAt !== null;
      if (u.id === actor.id && (disabled || role !== u.role)) throw forbidden('You cannot disable yourself or change your own role');
      if (role === 'manager' && storeIds.length === 0) {
        throw new DomainException(ErrorCode.ValidationFailed, 'A manager needs at least one store', [{ path: 'storeIds', message: 'at least one store' }]);
      }
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      if (input.name !== undefined && input.name !== u.name) changes.name = { from: u.name, to: input.name };
      if (role !== u.role) changes.role = { from: u.role, to: role };
      if (!sameMembers(storeIds, u.storeIds)) {
        await this.assertStoresExist(tem, storeIds);
        changes.storeIds = { from: [...u.storeIds], to: storeIds };
      }
      if (disabled !== (u.disabledAt !== null)) changes.disabled = { from: !disabled, to: disabled };
      if (!Object.keys(changes).length) return u;

      u.name = input.name ?? u.name;
      u.role = role;
      u.storeIds = storeIds;
      u.disabledAt = disabled ? (u.disabledAt ?? new Date()) : null;
      endSessions = disabled || !!changes.role || !!changes.storeIds;
      const sessionsEnded = endSessions ? await tem.nativeDelete(UserSession, { user: u.id }) : 0;
      await this.audit.record(tem, {
        ...fromUser(actor),
        action: changes.disabled ? (disabled ? 'user.disabled' : 'user.enabled') : 'user.updated',
        subject: u.id,
        details: { email: u.email, changes, sessionsEnded },
      });
      return u;
    });
    if (endSessions) this.sessionsEnded.next({ userId: user.id });
    return mapUser(user);
  }

  private async assertStoresExist(em: EntityManager, storeIds: string[]): Promise<void> {
    const ids = [...new Set(storeIds)];
    if (ids.length && (await em.count(Store, { id: { $in: ids } })) !== ids.length) {
      throw new DomainException(ErrorCode.UnknownStore, 'One of the stores does not exist');
    }
  }

  async listUsers(): Promise<UserDto[]> {
    const users = await this.em.fork().find(User, {}, { orderBy: { email: 'asc' } });
    return users.map(mapUser);
  }
}

const sameMembers = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
