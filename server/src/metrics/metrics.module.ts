import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { MetricsGuard } from './metrics.guard.js';
import { MetricsRepository } from './metrics.repository.js';
import { MetricsService } from './metrics.service.js';

/**
 * GET /metrics in Prometheus format: process-wide instruments (metrics/instruments.ts, fed by the count
 * and barrier paths) and this hub's gauges read at scrape time (MetricsService). Relies on the global
 * providers: APP_CONFIG, REDIS, AuthService (CoreModule), JobsService (JobsModule), the ORM.
 */
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, MetricsRepository, MetricsGuard],
  exports: [MetricsService],
})
export class MetricsModule {}
