import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { JobPayload } from '@stockfleet/shared';
import { JobPayloadSchema } from '@stockfleet/shared';
import { FlowProducer, Queue, type FlowJob, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { DependencyHealth } from '../common/dependencies/dependency-health.js';
import { withRedis } from '../common/redis/redis.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DEFAULT_JOB_OPTIONS, PLANS_QUEUE, queueOf, REPORTS_QUEUE, type QueueName } from './jobs.types.js';

export const BULL_REDIS_URL = Symbol('BULL_REDIS_URL');

/** Shutdown must not hang on a Redis that went away and came back: give each step a bound. */
export const within = (p: Promise<unknown>, ms: number) => Promise.race([p, new Promise((r) => setTimeout(r, ms).unref())]);

/**
 * A connection for BullMQ; reconnects are retried for ever. A worker's (blocking commands) never gives a
 * command up; the producer's refuses commands at once while Redis is away (no offline queue), so nothing
 * that queues or reads jobs — a request, bull-board, a plan's scheduler — waits for Redis to come back.
 */
export function bullRedis(url: string, name: string, role: 'worker' | 'producer' = 'worker'): Redis {
  const failFast = role === 'producer' ? { maxRetriesPerRequest: 1, enableOfflineQueue: false } : { maxRetriesPerRequest: null };
  return new Redis(url, { ...failFast, enableReadyCheck: true, connectionName: `stockfleet:${name}`, lazyConnect: false });
}

/** How long a producer call may wait on Redis before it is given up (UNAVAILABLE): nobody waits on an absent Redis. */
const PRODUCER_MS = 3000;

/**
 * The producer side of every queue: the one place jobs are added, typed by the shared job union.
 * Every call is refused at once (UNAVAILABLE) while the connection is down and bounded while it is up:
 * the connection itself waits for ever (BullMQ needs that), its callers must not.
 */
@Injectable()
export class JobsService implements OnApplicationShutdown {
  private readonly log = new Logger('Jobs');
  private readonly connection: Redis;
  readonly queues: Record<QueueName, Queue>;
  private readonly flows: FlowProducer;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, @Inject(BULL_REDIS_URL) redisUrl: string, health: DependencyHealth) {
    this.connection = health.watchRedis('queue', bullRedis(redisUrl, 'producer', 'producer'), 'producer');
    const opts = { connection: this.connection, prefix: config.bullPrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS };
    this.queues = { [REPORTS_QUEUE]: new Queue(REPORTS_QUEUE, opts), [PLANS_QUEUE]: new Queue(PLANS_QUEUE, opts) } as Record<QueueName, Queue>;
    this.flows = new FlowProducer({ connection: this.connection, prefix: config.bullPrefix });
    // They repeat their connection's errors (which DependencyHealth follows); unheard, each would reach the console.
    for (const q of Object.values(this.queues)) q.on('error', (e) => this.log.debug(`queue ${q.name}: ${e.message}`));
    this.flows.on('error', (e) => this.log.debug(`flows: ${e.message}`));
  }

  /** Runs a producer call on Redis, refused at once while it is away, given up after a bound (UNAVAILABLE either way). */
  private call<T>(what: string, op: () => Promise<T>): Promise<T> {
    return withRedis(this.connection, what, op, PRODUCER_MS);
  }

  /** Adds a job; the payload is checked against the job union first. A job id already present is not added again. */
  async add(payload: JobPayload, opts: JobsOptions & { jobId: string }) {
    const data = JobPayloadSchema.parse(payload);
    return this.call('Queueing a job', () => this.queues[queueOf(data.name)].add(data.name, data, { ...DEFAULT_JOB_OPTIONS, ...opts }));
  }

  /** A parent that runs once all its children have (BullMQ flow): every job id is chosen by the caller. */
  async addFlow(parent: { payload: JobPayload; jobId: string }, children: Array<{ payload: JobPayload; jobId: string }>) {
    const node = (p: JobPayload, jobId: string): FlowJob => {
      const data = JobPayloadSchema.parse(p);
      return { name: data.name, queueName: queueOf(data.name), data, opts: { ...DEFAULT_JOB_OPTIONS, jobId } };
    };
    return this.call('Queueing a job', () => this.flows.add({
      ...node(parent.payload, parent.jobId),
      children: children.map((c) => ({ ...node(c.payload, c.jobId), opts: { ...node(c.payload, c.jobId).opts, failParentOnFailure: true } })),
    }, { queuesOptions: { [REPORTS_QUEUE]: { defaultJobOptions: DEFAULT_JOB_OPTIONS } } }));
  }

  async getJob(payloadName: JobPayload['name'], jobId: string) {
    return this.call('Reading a job', () => this.queues[queueOf(payloadName)].getJob(jobId));
  }

  /** Drops a job and its children (a failed report built again from the start). */
  async remove(payloadName: JobPayload['name'], jobId: string) {
    return this.call('Removing a job', () => this.queues[queueOf(payloadName)].remove(jobId, { removeChildren: true }));
  }

  async onApplicationShutdown() {
    await within(Promise.all(Object.values(this.queues).map((q) => q.close().catch(() => {}))), 3000);
    await within(this.flows.close().catch(() => {}), 2000);
    await within(this.connection.quit().catch(() => {}), 1000);
    this.connection.disconnect();
  }
}
