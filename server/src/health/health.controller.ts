import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import type { Response } from 'express';
import { Access } from '../auth/access.js';
import { COMPONENTS, DependencyHealth, isDatabaseConnectionError, type Component } from '../common/dependencies/dependency-health.js';
import { REDIS, withRedis } from '../common/redis/redis.js';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);

export interface ComponentCheck {
  ok: boolean;
  /** Only when not ok: why, and since when it is down. */
  error?: string;
  since?: string;
}

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly em: EntityManager,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly health: DependencyHealth,
  ) {}

  /** Alive: the process answers. */
  @Access.anyone()
  @Get('healthz')
  @HttpCode(200)
  healthz() {
    return { status: 'ok' };
  }

  /**
   * Ready: every component answers — the database and Redis asked now, the job queue's and the socket
   * adapter's Redis connections as they last reported. The body names the degraded components (`checks.*.ok`
   * false, with the error and since when); 503 only when the database is away.
   */
  @Access.anyone()
  @Get('readyz')
  async readyz(@Res({ passthrough: true }) res: Response) {
    const live = async (fn: () => Promise<unknown>): Promise<ComponentCheck> => {
      try {
        await withTimeout(fn(), 2000);
        return { ok: true };
      } catch (e) {
        return { ok: false, error: (e as Error).message };
      }
    };
    const [database, redis] = await Promise.all([
      live(() => this.em.getConnection().execute('select 1')),
      live(() => withRedis(this.redis, 'Readiness', () => this.redis.ping(), 2000)),
    ]);
    if (database.ok) this.health.succeeded('database');
    else if (isDatabaseConnectionError({ message: database.error })) this.health.failed('database', new Error(database.error));
    const state = this.health.state();
    const checks = { database, redis } as Record<Component, ComponentCheck>;
    for (const c of COMPONENTS) {
      if (!checks[c]) checks[c] = state[c].up ? { ok: true } : { ok: false, error: state[c].error ?? 'unavailable' };
      if (!checks[c].ok && !state[c].up) checks[c].since = state[c].since.toISOString();
    }
    // Without the database the hub can do nothing: out of the load balancer. Without Redis it still sells,
    // counts and approves (jobs wait in the outbox, other nodes catch up at the tills' heartbeats): degraded, kept in.
    const status = COMPONENTS.every((c) => checks[c].ok) ? 'ready' : database.ok ? 'degraded' : 'not_ready';
    res.status(database.ok ? 200 : 503);
    return { status, checks: Object.fromEntries(COMPONENTS.map((c) => [c, checks[c]])) };
  }
}
