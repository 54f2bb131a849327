import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { JobPayload } from '@stockfleet/shared';
import { JobPayloadSchema } from '@stockfleet/shared';
import { FlowProducer, Queue, type FlowJob, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DEFAULT_JOB_OPTIONS, PLANS_QUEUE, queueOf, REPORTS_QUEUE, type QueueName } from './jobs.types.js';

export const BULL_REDIS_URL = Symbol('BULL_REDIS_URL');

/** Shutdown must not hang on a Redis that went away and came back: give each step a bound. */
export const within = (p: Promise<unknown>, ms: number) => Promise.race([p, new Promise((r) => setTimeout(r, ms).unref())]);

/** A connection for BullMQ: blocking commands must never time out, and reconnects are retried for ever. */
export function bullRedis(url: string, name: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, connectionName: `stockfleet:${name}`, lazyConnect: false });
}

/** The producer side of every queue: the one place jobs are added, typed by the shared job union. */
@Injectable()
export class JobsService implements OnApplicationShutdown {
  private readonly log = new Logger('Jobs');
  private readonly connection: Redis;
  readonly queues: Record<QueueName, Queue>;
  private readonly flows: FlowProducer;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, @Inject(BULL_REDIS_URL) redisUrl: string) {
    this.connection = bullRedis(redisUrl, 'producer');
    this.connection.on('error', (e) => this.log.debug(`redis: ${e.message}`));
    const opts = { connection: this.connection, prefix: config.bullPrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS };
    this.queues = { [REPORTS_QUEUE]: new Queue(REPORTS_QUEUE, opts), [PLANS_QUEUE]: new Queue(PLANS_QUEUE, opts) } as Record<QueueName, Queue>;
    this.flows = new FlowProducer({ connection: this.connection, prefix: config.bullPrefix });
  }

  /** Adds a job; the payload is checked against the job union first. A job id already present is not added again. */
  async add(payload: JobPayload, opts: JobsOptions & { jobId: string }) {
    const data = JobPayloadSchema.parse(payload);
    return this.queues[queueOf(data.name)].add(data.name, data, { ...DEFAULT_JOB_OPTIONS, ...opts });
  }

  /** A parent that runs once all its children have (BullMQ flow): every job id is chosen by the caller. */
  async addFlow(parent: { payload: JobPayload; jobId: string }, children: Array<{ payload: JobPayload; jobId: string }>) {
    const node = (p: JobPayload, jobId: string): FlowJob => {
      const data = JobPayloadSchema.parse(p);
      return { name: data.name, queueName: queueOf(data.name), data, opts: { ...DEFAULT_JOB_OPTIONS, jobId } };
    };
    return this.flows.add({
      ...node(parent.payload, parent.jobId),
      children: children.map((c) => ({ ...node(c.payload, c.jobId), opts: { ...node(c.payload, c.jobId).opts, failParentOnFailure: true } })),
    }, { queuesOptions: { [REPORTS_QUEUE]: { defaultJobOptions: DEFAULT_JOB_OPTIONS } } });
  }

  async getJob(payloadName: JobPayload['name'], jobId: string) {
    return this.queues[queueOf(payloadName)].getJob(jobId);
  }

  async onApplicationShutdown() {
    await within(Promise.all(Object.values(this.queues).map((q) => q.close().catch(() => {}))), 3000);
    await within(this.flows.close().catch(() => {}), 2000);
    await within(this.connection.quit().catch(() => {}), 1000);
    this.connection.disconnect();
  }
}
