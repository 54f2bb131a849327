import { MikroOrmModule } from '@mikro-orm/nestjs';
import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import { ZodValidationPipe } from 'nestjs-zod';
import { AlertsModule } from './alerts/alerts.module.js';
import { AuditController } from './audit/audit.controller.js';
import { AuditService } from './audit/audit.service.js';
import { AuthController, UsersController } from './auth/auth.controller.js';
import { AuthGuard } from './auth/auth.guard.js';
import { AuthService } from './auth/auth.service.js';
import { CatalogImportService } from './catalog/catalog-import.service.js';
import { CatalogController } from './catalog/catalog.controller.js';
import { CatalogService } from './catalog/catalog.service.js';
import { AllExceptionsFilter } from './common/http-exception.filter.js';
import { createRedis, REDIS } from './common/redis/redis.js';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { ormConfig } from './database/mikro-orm.config.js';
import { HealthController } from './health/health.controller.js';
import { InventoryController } from './inventory/inventory.controller.js';
import { InventoryService } from './inventory/inventory.service.js';
import { OrgController } from './org/org.controller.js';
import { OrgService } from './org/org.service.js';
import { FleetModule } from './fleet/fleet.module.js';
import { StocktakeModule } from './stocktake/stocktake.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { PLANS_QUEUE, REPORTS_QUEUE } from './jobs/jobs.types.js';
import { ReportsModule } from './reports/reports.module.js';
import { PlansModule } from './plans/plans.module.js';
import { ReportsRealtime } from './reports/reports.realtime.js';

export interface Runtime {
  databaseUrl: string;
  redisUrl: string;
}

/** Login attempts are counted per address *and* e-mail, so one office behind NAT doesn't lock everyone out. */
class TrackingThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, any>): Promise<string> {
    const email = typeof req.body?.email === 'string' ? req.body.email.toLowerCase() : '';
    return `${req.ip}|${email}`;
  }
}

@Global()
@Module({})
export class CoreModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  static forRoot(config: AppConfig, runtime: Runtime): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: REDIS, useFactory: () => createRedis(runtime.redisUrl, 'hub') },
        AuditService,
        AuthService,
        OrgService,
        InventoryService,
      ],
      exports: [APP_CONFIG, REDIS, AuditService, AuthService, OrgService, InventoryService],
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
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, runtime),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
            redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
            ...(config.env === 'development' ? {} : {}),
          },
        }),
        MikroOrmModule.forRoot({ ...ormConfig({ clientUrl: runtime.databaseUrl, poolMax: config.dbPoolMax }), registerRequestContext: true }),
        ThrottlerModule.forRoot({ throttlers: [{ name: 'default', ttl: 60_000, limit: 6000 }, { name: 'login', ttl: 60_000, limit: 1_000_000 }] }),
        JobsModule.forRoot(runtime.redisUrl, config.runWorkers ? [REPORTS_QUEUE, PLANS_QUEUE] : []),
        FleetModule,
        StocktakeModule,
        ReportsModule,
        PlansModule,
        AlertsModule,
      ],
      controllers: [HealthController, AuthController, UsersController, CatalogController, InventoryController, OrgController, AuditController],
      providers: [
        CatalogService,
        CatalogImportService,
        ReportsRealtime,
        { provide: APP_PIPE, useClass: ZodValidationPipe },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_GUARD, useClass: TrackingThrottlerGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}
