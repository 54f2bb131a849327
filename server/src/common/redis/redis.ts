import { Redis } from 'ioredis';

export const REDIS = Symbol('REDIS');

/** A connection that fails fast instead of queueing commands forever while Redis is away. */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, { connectionName: `stockfleet:${name}`, maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
}
