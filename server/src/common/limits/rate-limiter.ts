import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { REDIS, withRedis } from '../redis/redis.js';
import type { LimitRule } from './limit-policy.js';

export type LimitVerdict =
  | { allowed: true }
  | { allowed: false; rule: LimitRule; retryAfterSeconds: number; refusedInWindow: number };

/**
 * Checks every counter and, only if none is full, counts the attempt in all of them — one script, so
 * Redis runs it atomically: concurrent attempts (on any hub node) cannot all read "4 of 5" and pass.
 * A refused attempt counts in none of them, so a till refused by its own limit does not use up its
 * store's. Fixed windows that start at a counter's first attempt.
 * KEYS[1..n]: counters; KEYS[n+1..2n]: how often each was refused in its window.
 * ARGV[2i-1], ARGV[2i]: limit and window (ms) of counter i.
 * Returns {blocking counter (0: none), ms until it frees, refusals in its window}.
 */
const TAKE = `
local n = #KEYS / 2
local blocked, wait = 0, 0
for i = 1, n do
  if tonumber(redis.call('GET', KEYS[i]) or '0') >= tonumber(ARGV[2 * i - 1]) then
    local ttl = redis.call('PTTL', KEYS[i])
    if ttl < 0 then
      -- a full counter without expiry would refuse for ever: give it its window again
      ttl = tonumber(ARGV[2 * i])
      redis.call('PEXPIRE', KEYS[i], ttl)
    end
    if ttl > wait then blocked, wait = i, ttl end
  end
end
if blocked > 0 then
  local refused = redis.call('INCR', KEYS[n + blocked])
  if refused == 1 then redis.call('PEXPIRE', KEYS[n + blocked], wait) end
  return { blocked, wait, refused }
end
for i = 1, n do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[2 * i]) end
end
return { 0, 0, 0 }
`;

/** Gives back one attempt to each counter that still exists; an expired window is not re-created. */
const REFUND = `
for i = 1, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
return 0
`;

interface LimitScripts {
  sfLimitTake(numKeys: number, ...keysAndArgs: Array<string | number>): Promise<[number, number, number]>;
  sfLimitRefund(numKeys: number, ...keys: string[]): Promise<number>;
}

/** A limit check waits no longer than this on Redis; then the attempt is refused (UNAVAILABLE), never let through. */
const LIMIT_MS = 1500;

/**
 * Attempt counters in Redis, shared by every hub node of a deployment (keys under LIMITS_PREFIX, by
 * default BULL_PREFIX). Without Redis an attempt cannot be counted, so it is refused at once with
 * UNAVAILABLE (503) before any credential is looked at — failing closed, and never hanging.
 */
@Injectable()
export class RateLimiter {
  private readonly redis: Redis & LimitScripts;
  private readonly prefix: string;

  constructor(@Inject(REDIS) redis: Redis, @Inject(APP_CONFIG) config: AppConfig) {
    // defineCommand runs scripts by their SHA and reloads them after a Redis restart by itself.
    redis.defineCommand('sfLimitTake', { lua: TAKE });
    redis.defineCommand('sfLimitRefund', { lua: REFUND });
    this.redis = redis as Redis & LimitScripts;
    this.prefix = `${config.limitsPrefix}:limit`;
  }

  async take(rules: LimitRule[]): Promise<LimitVerdict> {
    const keys = rules.map((r) => this.key(r));
    const args = rules.flatMap((r) => [r.limit, r.windowSeconds * 1000]);
    const [blocked, waitMs, refused] = await withRedis(this.redis, 'Checking this attempt against its limits', () => this.redis.sfLimitTake(keys.length * 2, ...keys, ...keys.map((k) => `${k}:refused`), ...args), LIMIT_MS);
    if (blocked === 0) return { allowed: true };
    return { allowed: false, rule: rules[blocked - 1], retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), refusedInWindow: refused };
  }

  async refund(rules: LimitRule[]): Promise<void> {
    await withRedis(this.redis, 'Refunding an attempt', () => this.redis.sfLimitRefund(rules.length, ...rules.map((r) => this.key(r))), LIMIT_MS);
  }

  private key(rule: LimitRule): string {
    return `${this.prefix}:${rule.name}:${rule.subject}`;
  }
}
