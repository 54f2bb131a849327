import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ReportProgressV1 } from '@stockfleet/shared';
import type { Redis } from 'ioredis';
import { DependencyHealth } from '../common/dependencies/dependency-health.js';
import { REDIS } from '../common/redis/redis.js';
import { FleetEvents } from '../fleet/fleet.events.js';
import { ReportEvents, type ReportProgressMessage } from './report-events.js';

/**
 * Hub side of report progress: every hub node hears the workers' channel and tells its own admin sockets
 * (local emit: the other nodes heard the same message, so nothing is sent twice).
 */
@Injectable()
export class ReportsRealtime implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('ReportsRealtime');
  private sub?: Redis;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly events: ReportEvents,
    private readonly fleet: FleetEvents,
    private readonly health: DependencyHealth,
  ) {}

  async onModuleInit() {
    // Waits for Redis however long it is away (and resubscribes after a reconnect); never blocks the hub's start.
    this.sub = this.redis.duplicate({ connectionName: 'stockfleet:report-progress', maxRetriesPerRequest: null });
    this.health.watchRedis('redis', this.sub, 'report-progress');
    this.sub.on('message', (_channel, message) => this.forward(message));
    this.sub.subscribe(this.events.channel).catch((e) => this.log.warn(`report progress channel: ${e.message}`));
  }

  private forward(message: string) {
    let m: ReportProgressMessage;
    try {
      m = JSON.parse(message);
    } catch {
      return;
    }
    const payload = ReportProgressV1.safeParse(m);
    if (!payload.success) return;
    const rooms = [FleetEvents.adminAllRoom, ...(m.storeIds ?? []).map(FleetEvents.adminStoreRoom)];
    this.fleet.admin?.local.to(rooms).emit('report.progress.v1', payload.data);
  }

  async onModuleDestroy() {
    this.sub?.disconnect();
  }
}
