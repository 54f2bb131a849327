import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { JobName } from '@stockfleet/shared';
import { JobPayloadSchema } from '@stockfleet/shared';
import { Worker, type Job } from 'bullmq';
import { DependencyHealth } from '../common/dependencies/dependency-health.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { BULL_REDIS_URL, bullRedis, within } from './jobs.service.js';
import { PLANS_QUEUE, queueOf, REPORTS_QUEUE, type JobHandler, type QueueName } from './jobs.types.js';

/** Which queues this process works on: set by the process (hub or `npm run worker`), read at bootstrap. */
export const WORKER_QUEUES = Symbol('WORKER_QUEUES');

/**
 * Runs BullMQ workers for the queues this process serves and routes each job to the handler a feature
 * registered for its name. Payloads are parsed with the shared job union before any handler sees them.
 */
@Injectable()
export class WorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Worker');
  private readonly handlers = new Map<JobName, JobHandler<any>>();
  private readonly workers: Worker[] = [];
  private readonly connections: Array<ReturnType<typeof bullRedis>> = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BULL_REDIS_URL) private readonly redisUrl: string,
    @Inject(WORKER_QUEUES) private readonly queues: QueueName[],
    private readonly health: DependencyHealth,
  ) {}

  register<N extends JobName>(name: N, handler: JobHandler<N>) {
    this.handlers.set(name, handler);
  }

  get running(): boolean {
    return this.workers.length > 0;
  }

  onApplicationBootstrap() {
    for (const queue of this.queues) {
      const connection = this.health.watchRedis('queue', bullRedis(this.redisUrl, `worker:${queue}`), `worker:${queue}`);
      this.connections.push(connection);
      const worker = new Worker(queue, (job) => this.process(job), {
        connection,
        prefix: this.config.bullPrefix,
        concurrency: queue === REPORTS_QUEUE ? this.config.workerConcurrency : 1,
        lockDuration: this.config.jobLockMs,
        stalledInterval: Math.max(1000, Math.floor(this.config.jobLockMs / 2)),
        // A crashed worker's job is taken over; only a job that keeps killing its workers fails.
        maxStalledCount: 3,
      });
      worker.on('failed', (job, err) => this.log.warn(`${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`));
      worker.on('error', (err) => this.log.debug(`worker ${queue}: ${err.message}`));
      this.workers.push(worker);
    }
    if (this.workers.length) this.log.log(`Working on queues: ${this.queues.join(', ')}`);
  }

  private async process(job: Job) {
    const payload = JobPayloadSchema.parse(job.data);
    if (payload.name !== job.name || queueOf(payload.name) !== job.queueName) throw new Error(`Job ${job.id}: name ${job.name} does not match its payload`);
    const handler = this.handlers.get(payload.name);
    if (!handler) throw new Error(`No handler for ${payload.name} in this process`);
    return handler(payload, job);
  }

  async onApplicationShutdown() {
    await within(Promise.all(this.workers.map((w) => w.close().catch(() => {}))), 5000);
    for (const c of this.connections) {
      await within(c.quit().catch(() => {}), 1000);
      c.disconnect();
    }
  }
}

export { PLANS_QUEUE, REPORTS_QUEUE };
