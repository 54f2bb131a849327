import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode, type Role } from '@stockfleet/shared';
import { assertReadStore, assertWriteStore } from '../common/actor.js';
import { type AuthedRequest, IS_PUBLIC, ROLES } from '../common/decorators.js';
import { DomainException, forbidden } from '../common/domain-exception.js';
import { AuthService } from './auth.service.js';

export const SESSION_COOKIE = 'sf_session';
const STORE_FIELDS = ['storeId', 'fromStoreId', 'toStoreId'] as const;
const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * The one guard on every HTTP route: session → actor, role, and store scope.
 * Store scope is checked wherever a request names a store (param, query or body), so a manager
 * can never name another store; routes addressing a resource by id check its store in the service.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const token = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    const resolved = token ? await this.auth.actorFromToken(token, req.ip ?? null) : null;
    if (!resolved) throw new DomainException(ErrorCode.Unauthenticated, 'Sign in first');
    const actor = resolved.actor;
    req.actor = actor;

    const isRead = READ_METHODS.has(req.method);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    const allowed: Role[] = roles ?? (isRead ? ['admin', 'manager', 'auditor'] : ['admin', 'manager']);
    if (!allowed.includes(actor.role)) {
      throw forbidden(actor.role === 'auditor' ? 'Auditors have read-only access' : `This needs the role ${allowed.join(' or ')}`);
    }

    for (const source of [req.params, req.query, isRead ? undefined : req.body] as Array<Record<string, unknown> | undefined>) {
      if (!source || typeof source !== 'object') continue;
      for (const field of STORE_FIELDS) {
        const value = source[field];
        if (typeof value !== 'string') continue;
        if (isRead) assertReadStore(actor, value);
        else if (actor.role !== 'auditor') assertWriteStore(actor, value);
      }
    }
    return true;
  }
}
