import 'reflect-metadata';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { NestFactory } from '@nestjs/core';
import { Logger, LoggerModule } from 'nestjs-pino';
import type { Runtime } from './app.module.js';
import { runMain } from './common/run-main.js';
import { pinoRedaction } from './common/log-redaction.js';
import { AuditService } from './audit/audit.service.js';
import { createRedis, REDIS } from './common/redis/redis.js';
import { DatabaseConnectionErrors, DependencyHealth } from './common/dependencies/dependency-health.js';
import { Outbox } from './common/outbox/outbox.service.js';
import { OutboxRepository } from './common/outbox/outbox.repository.js';
import { resolveRedis } from './common/redis/local-redis.js';
import { APP_CONFIG, ConfigError, loadConfig, type AppConfig } from './config/config.js';
import { ormConfig } from './database/mikro-orm.config.js';
import { JobsModule } from './jobs/jobs.module.js';
import { REPORTS_QUEUE } from './jobs/jobs.types.js';
import { ReportsModule } from './reports/reports.module.js';

/** What report jobs need from the hub's core: configuration, Redis, the audit log, dependency health, the outbox (workers relay it too). */
@Global()
@Module({})
class WorkerCoreModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  static forRoot(config: AppConfig, runtime: Runtime, dbErrors: DatabaseConnectionErrors): DynamicModule {
    return {
      module: WorkerCoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: DatabaseConnectionErrors, useValue: dbErrors },
        DependencyHealth,
        OutboxRepository,
        Outbox,
        { provide: REDIS, useFactory: (health: DependencyHealth) => health.watchRedis('redis', createRedis(runtime.redisUrl, 'worker'), 'worker'), inject: [DependencyHealth] },
        AuditService,
      ],
      exports: [APP_CONFIG, REDIS, DependencyHealth, Outbox, AuditService],
    };
  }
  async onApplicationShutdown() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** A worker process: report jobs only (plan jobs steer tills and run in hub processes). No HTTP, no sockets. */
@Module({})
class WorkerModule {
  static forRoot(config: AppConfig, runtime: Runtime): DynamicModule {
    const dbErrors = new DatabaseConnectionErrors();
    return {
      module: WorkerModule,
      imports: [
        WorkerCoreModule.forRoot(config, runtime, dbErrors),
        LoggerModule.forRoot({ pinoHttp: { level: config.logLevel, ...pinoRedaction() } }),
        MikroOrmModule.forRoot({ ...ormConfig({ clientUrl: runtime.databaseUrl, poolMax: Math.max(2, config.workerConcurrency + 1), onConnectionError: dbErrors.report }) }),
        JobsModule.forRoot(runtime.redisUrl, [REPORTS_QUEUE]),
        ReportsModule,
      ],
    };
  }
}

async function main() {
  const config = loadConfig(process.env, { hub: false });
  if (!config.databaseUrl) {
    throw new ConfigError(['DATABASE_URL: a worker process needs the shared PostgreSQL (the embedded one belongs to the hub process; it runs workers itself)']);
  }
  const redis = await resolveRedis(config.redisUrl, config.dataDir);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, { databaseUrl: config.databaseUrl, redisUrl: redis.url }), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  process.stdout.write(`Stockfleet worker running (queue: ${REPORTS_QUEUE}, concurrency ${config.workerConcurrency}, reports in ${config.reportsDir}).\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 10_000).unref();
    await app.close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

runMain(main);
