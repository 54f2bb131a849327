import { Inject, Injectable } from '@nestjs/common';
import type { ReportProgressV1 } from '@stockfleet/shared';
import type { Redis } from 'ioredis';
import { REDIS, withRedis } from '../common/redis/redis.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

export interface ReportProgressMessage extends ReportProgressV1 {
  /** Rooms to tell: null = admins and auditors only; otherwise also the managers of these stores. */
  storeIds: string[] | null;
}

/**
 * Workers may run in their own processes, without sockets: they publish progress on a Redis channel and
 * every hub node forwards it to its own admin sockets. Progress is coalesced to ≤ 4 messages/s per report.
 */
@Injectable()
export class ReportEvents {
  private readonly last = new Map<string, number>();

  constructor(@Inject(REDIS) private readonly redis: Redis, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get channel() {
    return `${this.config.bullPrefix}:report-progress`;
  }

  async publish(m: ReportProgressMessage, force = false) {
    const now = Date.now();
    if (!force && m.status === 'running' && now - (this.last.get(m.reportId) ?? 0) < 250) return;
    this.last.set(m.reportId, now);
    if (m.status !== 'running') this.last.delete(m.reportId);
    // Live events are a hint: admin apps re-read reports on every (re)connect. While Redis is away
    // they are dropped at once instead of waiting for it (a job cannot progress without Redis anyway).
    await withRedis(this.redis, 'Report progress', () => this.redis.publish(this.channel, JSON.stringify(m)), 1000).catch(() => {});
  }
}
