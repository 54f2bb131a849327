import { ErrorCode } from '@stockfleet/shared';
import { Redis } from 'ioredis';
import { DomainException } from '../domain-exception.js';

export const REDIS = Symbol('REDIS');

/** A connection that fails fast instead of queueing commands forever while Redis is away. */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, { connectionName: `stockfleet:${name}`, maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
}

/** Redis is away: nothing was changed, try again shortly (503, transient). */
export const redisUnavailable = (what: string) => new DomainException(ErrorCode.Unavailable, `${what} needs Redis, which is unavailable right now; nothing was changed, try again shortly`);

/**
 * A Redis call that never waits on an absent Redis: refused at once when the connection is not ready,
 * and given up after `ms` (the command may still run later; callers use it only for idempotent or
 * refusable work). Throws UNAVAILABLE.
 */
export async function withRedis<T>(client: Redis, what: string, op: () => Promise<T>, ms = 1500): Promise<T> {
  if (client.status !== 'ready') throw redisUnavailable(what);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      op(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(redisUnavailable(what)), ms);
        timer.unref();
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
