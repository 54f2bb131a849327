import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type CreateUserInput, type SessionDto, type UserDto } from '@stockfleet/shared';
import { AuditService, fromUser } from '../audit/audit.service.js';
import type { UserActor } from '../common/actor.js';
import { randomToken, sha256 } from '../common/crypto.js';
import { DomainException } from '../common/domain-exception.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { User, UserSession } from './auth.entities.js';
import { dummyHash, hashPassword, verifyPassword } from './password.js';

export function mapUser(u: User): UserDto {
  return { id: u.id, email: u.email, name: u.name, role: u.role, storeIds: [...u.storeIds], createdAt: u.createdAt.toISOString() };
}

@Injectable()
export class AuthService {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(email: string, password: string, ip: string | null): Promise<{ token: string; session: SessionDto }> {
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
    if (input.storeIds.length) {
      const [{ n }] = await em.getConnection().execute<{ n: string }[]>(`select count(*) as n from store where id = any(?::uuid[])`, [`{${input.storeIds.join(',')}}`]);
      if (Number(n) !== new Set(input.storeIds).size) throw new DomainException(ErrorCode.UnknownStore, 'One of the stores does not exist');
    }
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

  async listUsers(): Promise<UserDto[]> {
    const users = await this.em.fork().find(User, {}, { orderBy: { email: 'asc' } });
    return users.map(mapUser);
  }
}
