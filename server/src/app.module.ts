import { MikroOrmModule } from '@mikro-orm/nestjs';
import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, DiscoveryModule } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import { ZodValidationPipe } from 'nestjs-zod';
import { AlertsModule } from './alerts/alerts.module.js';
import { AuditController } from './audit/audit.controller.js';
import { AuditService } from './audit/audit.service.js';
import { AuthController, UsersController } from './auth/auth.controller.js';
import { AccessCheck } from './auth/access-check.js';
import { AuthGuard } from './auth/auth.guard.js';
import { ResourceStoresRepository } from './auth/resource-stores.repository.js';
import { AuthService } from './auth/auth.service.js';
import { CatalogImportService } from './catalog/catalog-import.service.js';
import { CatalogController } from './catalog/catalog.controller.js';
import { CatalogService } from './catalog/catalog.service.js';
import { AllExceptionsFilter } from './common/http-exception.filter.js';
import { pinoRedaction } from './common/log-redaction.js';
import { ClientAddress } from './common/client-address.js';
import { CredentialLimits } from './common/limits/credential-limits.js';
import { RateLimiter } from './common/limits/rate-limiter.js';
import { createRedis, REDIS } from './common/redis/redis.js';
import { DatabaseConnectionErrors, DependencyHealth } from './common/dependencies/dependency-health.js';
import { Outbox } from './common/outbox/outbox.service.js';
import { OutboxRepository } from './common/outbox/outbox.repository.js';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { ormConfig } from './database/mikro-orm.config.js';
import { HealthController } from './health/health.controller.js';
import { InventoryModule } from './inventory/inventory.module.js';
import { DomainEvents } from './events/domain-events.js';
import { OrgController } from './org/org.controller.js';
import { OrgService } from './org/org.service.js';
import { FleetModule } from './fleet/fleet.module.js';
import { StocktakeModule } from './stocktake/stocktake.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { PLANS_QUEUE, REPORTS_QUEUE } from './jobs/jobs.types.js';
import { ReportsModule } from './reports/reports.module.js';
import { PlansModule } from './plans/plans.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ReportsRealtime } from './reports/reports.realtime.js';

export interface Runtime {
  databaseUrl: string;
  redisUrl: string;
}

@Global()
@Module({})
export class CoreModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  static forRoot(config: AppConfig, runtime: Runtime, dbErrors: DatabaseConnectionErrors): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: DatabaseConnectionErrors, useValue: dbErrors },
        DependencyHealth,
        OutboxRepository,
        Outbox,
        { provide: REDIS, useFactory: (health: DependencyHealth) => health.watchRedis('redis', createRedis(runtime.redisUrl, 'hub'), 'hub'), inject: [DependencyHealth] },
        AuditService,
        ClientAddress,
        RateLimiter,
        CredentialLimits,
        AuthService,
        OrgService,
        DomainEvents,
      ],
      exports: [APP_CONFIG, REDIS, DependencyHealth, Outbox, AuditService, ClientAddress, RateLimiter, CredentialLimits, AuthService, OrgService, DomainEvents],
    };
  }
  async onApplicationShutdown() {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, runtime: Runtime): DynamicModule {
    const dbErrors = new DatabaseConnectionErrors();
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, runtime, dbErrors),
        DiscoveryModule,
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
            // Credentials never reach the log: masked fields, no pairing codes in URLs (common/log-redaction.ts).
            ...pinoRedaction(),
          },
        }),
        MikroOrmModule.forRoot({ ...ormConfig({ clientUrl: runtime.databaseUrl, poolMax: config.dbPoolMax, onConnectionError: dbErrors.report }), registerRequestContext: true }),
        JobsModule.forRoot(runtime.redisUrl, config.runWorkers ? [REPORTS_QUEUE, PLANS_QUEUE] : []),
        InventoryModule,
        FleetModule,
        StocktakeModule,
        ReportsModule,
        PlansModule,
        AlertsModule,
        MetricsModule,
      ],
      controllers: [HealthController, AuthController, UsersController, CatalogController, OrgController, AuditController],
      providers: [
        CatalogService,
        CatalogImportService,
        ReportsRealtime,
        ResourceStoresRepository,
        AccessCheck,
        { provide: APP_PIPE, useClass: ZodValidationPipe },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}
