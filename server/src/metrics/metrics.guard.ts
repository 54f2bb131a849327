import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ErrorCode } from '@stockfleet/shared';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { SESSION_COOKIE } from '../auth/auth.guard.js';
import { AuthService } from '../auth/auth.service.js';
import { DomainException } from '../common/domain-exception.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Who may read /metrics: a signed-in admin (session cookie), or Prometheus with the METRICS_TOKEN as a
 * bearer token. The token is compared in constant time (digests of equal length), and its path touches
 * neither the database nor Redis, so a scrape works while either is away. Anything else: 401 without a
 * credential, 403 for a session of another role.
 */
@Injectable()
export class MetricsGuard implements CanActivate {
  private readonly token: Buffer | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig, private readonly auth: AuthService) {
    this.token = config.metricsToken ? digest(config.metricsToken) : null;
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const header = req.headers.authorization;
    if (this.token && typeof header === 'string') {
      const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1];
      if (bearer !== undefined && timingSafeEqual(digest(bearer), this.token)) return true;
    }
    const cookies: unknown = req.cookies;
    const session = typeof cookies === 'object' && cookies !== null ? (cookies as Record<string, unknown>)[SESSION_COOKIE] : undefined;
    const resolved = typeof session === 'string' && session ? await this.auth.actorFromToken(session, req.ip ?? null) : null;
    if (!resolved) throw new DomainException(ErrorCode.Unauthenticated, 'Sign in as an admin, or send the metrics token');
    if (resolved.actor.role !== 'admin') throw new DomainException(ErrorCode.Forbidden, 'Only admins may read the metrics');
    return true;
  }
}
