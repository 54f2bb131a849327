import { DynamicModule, Global, Module } from '@nestjs/common';
import { BULL_REDIS_URL, JobsService } from './jobs.service.js';
import type { QueueName } from './jobs.types.js';
import { WORKER_QUEUES, WorkerHost } from './worker-host.js';

/** Queues (producer) everywhere; workers only for the queues this process is told to serve. */
@Global()
@Module({})
export class JobsModule {
  static forRoot(redisUrl: string, workerQueues: QueueName[]): DynamicModule {
    return {
      module: JobsModule,
      global: true,
      providers: [
        { provide: BULL_REDIS_URL, useValue: redisUrl },
        { provide: WORKER_QUEUES, useValue: workerQueues },
        JobsService,
        WorkerHost,
      ],
      exports: [JobsService, WorkerHost, BULL_REDIS_URL],
    };
  }
}
