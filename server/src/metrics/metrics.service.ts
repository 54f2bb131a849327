import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { TillModeSchema } from '@stockfleet/shared';
import type { Redis } from 'ioredis';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { REDIS } from '../common/redis/redis.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { JobsService } from '../jobs/jobs.service.js';
import { collectProcessMetrics, processRegistry } from './instruments.js';
import { MetricsRepository, type TillGroupRow } from './metrics.repository.js';

/** How long a scrape waits for the database and for Redis before answering without their gauges. */
const DB_TIMEOUT_MS = 1500;
const QUEUE_TIMEOUT_MS = 1000;
/** The gauges of one scrape share one read (they are collected in parallel); a later scrape reads again. */
const FRESH_MS = 1000;

const REDIS_STATUSES = ['wait', 'connecting', 'connect', 'ready', 'reconnecting', 'close', 'end'] as const;
const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'] as const;
const POOL_STATES = ['used', 'free', 'pending_acquires', 'pending_creates'] as const;
const MODES = [...TillModeSchema.options, 'unknown'] as const;

/** The part of a tarn pool (knex's, behind MikroORM) read here; anything else found there is ignored. */
interface PoolLike {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
  on(event: string, listener: (eventId: unknown) => void): unknown;
}

function isPool(v: unknown): v is PoolLike {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return ['numUsed', 'numFree', 'numPendingAcquires', 'numPendingCreates', 'on'].every((k) => typeof p[k] === 'function');
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms).unref())]);

type Sample<T> = { at: number; value: Promise<T | null> };

/**
 * /metrics for one hub: Prometheus text from the process-wide instruments (count ingestion, barrier
 * durations, Node's own metrics) and this hub's gauges, computed when scraped. Gauges that need the
 * database (the fleet) or Redis (queue depths) are read once per scrape, each read bounded by a timeout
 * and never started twice at once: a scrape during an outage answers at once with those gauges absent
 * (and `stockfleet_metrics_source_up` 0), the pool, Redis status and process metrics still present.
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  private readonly log = new Logger('Metrics');
  readonly registry = new Registry();
  readonly contentType = Registry.PROMETHEUS_CONTENT_TYPE;

  private fleet: Sample<TillGroupRow[]> | null = null;
  private fleetInFlight: Promise<TillGroupRow[]> | null = null;
  private queues: Sample<Array<{ queue: string; counts: Record<string, number> }>> | null = null;
  private queuesInFlight: Promise<Array<{ queue: string; counts: Record<string, number> }>> | null = null;

  private readonly pools = new WeakSet<object>();
  private readonly acquireStarted = new Map<unknown, number>();
  private readonly acquireWait: Histogram;
  private readonly acquireFailures: Counter;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly em: EntityManager,
    private readonly repo: MetricsRepository,
    private readonly jobs: JobsService,
  ) {
    const registers = [this.registry];
    // The collect callbacks run with `this` bound to their metric (prom-client): the service is `self` there.
    const self = this;

    new Gauge({
      name: 'stockfleet_tills_connected',
      help: 'Tills online (socket open, heartbeat within 45 s) by the mode they last reported (unknown: none yet)',
      labelNames: ['mode'], registers,
      collect: async function () {
        const groups = await self.fleetGroups();
        this.reset();
        if (!groups) return;
        for (const mode of MODES) this.set({ mode }, 0);
        for (const g of groups) if (g.online) this.inc({ mode: g.reported_mode ?? 'unknown' }, g.tills);
      },
    });
    new Gauge({
      name: 'stockfleet_tills_diverged',
      help: 'Online tills whose reported state differs from the desired one (older epoch or another mode), by desired mode',
      labelNames: ['desired_mode'], registers,
      collect: async function () {
        const groups = await self.fleetGroups();
        this.reset();
        if (!groups) return;
        for (const mode of TillModeSchema.options) this.set({ desired_mode: mode }, 0);
        for (const g of groups) if (g.online && g.diverged) this.inc({ desired_mode: g.desired_mode }, g.diverged);
      },
    });
    new Gauge({
      name: 'stockfleet_tills_active',
      help: 'Paired, not revoked tills, online or not',
      labelNames: ['online'], registers,
      collect: async function () {
        const groups = await self.fleetGroups();
        this.reset();
        if (!groups) return;
        for (const online of ['true', 'false']) this.set({ online }, 0);
        for (const g of groups) this.inc({ online: String(g.online) }, g.tills);
      },
    });
    const outbox = (name: string, help: string, pick: (g: TillGroupRow) => number, fold: (a: number, b: number) => number) =>
      new Gauge({
        name, help, labelNames: ['online'], registers,
        collect: async function () {
          const groups = await self.fleetGroups();
          this.reset();
          if (!groups) return;
          const by: Record<string, number> = { true: 0, false: 0 };
          for (const g of groups) by[String(g.online)] = fold(by[String(g.online)], pick(g));
          for (const [online, v] of Object.entries(by)) this.set({ online }, v);
        },
      });
    outbox('stockfleet_till_outbox_depth_sum', 'Entries waiting in the tills\' outboxes (sales and counts not yet acknowledged), as last reported, summed', (g) => g.outbox_sum, (a, b) => a + b);
    outbox('stockfleet_till_outbox_depth_max', 'The deepest till outbox, as last reported', (g) => g.outbox_max, Math.max);
    outbox('stockfleet_tills_outbox_backlogged', 'Tills whose last report had entries waiting in the outbox', (g) => g.outbox_backlogged, (a, b) => a + b);

    new Gauge({
      name: 'stockfleet_db_pool_connections',
      help: 'This hub\'s database connection pool: connections in use, idle, and requests waiting for one (acquires) or for a new connection (creates)',
      labelNames: ['state'], registers,
      collect: function () {
        const pool = self.pool();
        this.reset();
        if (!pool) return;
        const v: Record<(typeof POOL_STATES)[number], number> = {
          used: pool.numUsed(), free: pool.numFree(), pending_acquires: pool.numPendingAcquires(), pending_creates: pool.numPendingCreates(),
        };
        for (const state of POOL_STATES) this.set({ state }, v[state]);
      },
    });
    new Gauge({ name: 'stockfleet_db_pool_max', help: 'Largest size of this hub\'s database pool (DB_POOL_MAX)', registers }).set(config.dbPoolMax);
    this.acquireWait = new Histogram({
      name: 'stockfleet_db_pool_acquire_wait_seconds',
      help: 'How long a query waited for a database connection from the pool',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.acquireFailures = new Counter({ name: 'stockfleet_db_pool_acquire_failures_total', help: 'Requests for a database connection that failed (timeout, database away)', registers });

    new Gauge({
      name: 'stockfleet_redis_status',
      help: 'State of the hub\'s Redis connection: 1 for the state it is in (ready when usable)',
      labelNames: ['client', 'status'], registers,
      collect: function () {
        this.reset();
        for (const status of REDIS_STATUSES) this.set({ client: 'hub', status }, self.redis.status === status ? 1 : 0);
      },
    });
    new Gauge({
      name: 'stockfleet_queue_jobs',
      help: 'BullMQ jobs by queue and state (absent while Redis does not answer)',
      labelNames: ['queue', 'state'], registers,
      collect: async function () {
        const queues = await self.queueCounts();
        this.reset();
        if (!queues) return;
        for (const { queue, counts } of queues) for (const state of JOB_STATES) this.set({ queue, state }, counts[state] ?? 0);
      },
    });
    new Gauge({
      name: 'stockfleet_metrics_source_up',
      help: 'Whether this scrape could read the gauges that come from a source (database: the fleet; queues: Redis)',
      labelNames: ['source'], registers,
      collect: async function () {
        const [fleet, queues] = await Promise.all([self.fleetGroups(), self.queueCounts()]);
        this.set({ source: 'database' }, fleet ? 1 : 0);
        this.set({ source: 'queues' }, queues ? 1 : 0);
      },
    });
  }

  onModuleInit() {
    collectProcessMetrics();
    this.pool();
  }

  /** The exposition: process-wide instruments, then this hub's. */
  async render(): Promise<string> {
    const [process, hub] = await Promise.all([processRegistry.metrics(), this.registry.metrics()]);
    return `${process.trimEnd()}\n\n${hub}`;
  }

  /** The fleet, read once per scrape (null: the database did not answer in time). */
  private fleetGroups(): Promise<TillGroupRow[] | null> {
    const now = Date.now();
    if (this.fleet && now - this.fleet.at < FRESH_MS) return this.fleet.value;
    this.fleetInFlight ??= this.repo.tillGroups().finally(() => { this.fleetInFlight = null; });
    const value = withTimeout(this.fleetInFlight, DB_TIMEOUT_MS, 'fleet gauges').catch((e: Error) => {
      this.log.debug(`metrics: ${e.message}`);
      return null;
    });
    this.fleet = { at: now, value };
    return value;
  }

  /** Queue depths, read once per scrape; not asked while Redis is not ready (commands would only queue up). */
  private queueCounts(): Promise<Array<{ queue: string; counts: Record<string, number> }> | null> {
    const now = Date.now();
    if (this.queues && now - this.queues.at < FRESH_MS) return this.queues.value;
    let value: Promise<Array<{ queue: string; counts: Record<string, number> }> | null>;
    if (this.redis.status !== 'ready') value = Promise.resolve(null);
    else {
      this.queuesInFlight ??= Promise.all(
        Object.entries(this.jobs.queues).map(async ([queue, q]) => ({ queue, counts: await q.getJobCounts(...JOB_STATES) })),
      ).finally(() => { this.queuesInFlight = null; });
      value = withTimeout(this.queuesInFlight, QUEUE_TIMEOUT_MS, 'queue gauges').catch((e: Error) => {
        this.log.debug(`metrics: ${e.message}`);
        return null;
      });
    }
    this.queues = { at: now, value };
    return value;
  }

  /**
   * knex's tarn pool behind MikroORM, read in memory (no query). The first time a pool is seen its
   * acquire events are timed: request → success is the wait for a connection.
   */
  private pool(): PoolLike | null {
    let pool: unknown;
    try {
      const client: unknown = this.em.getConnection().getKnex().client;
      pool = typeof client === 'object' && client !== null && 'pool' in client ? client.pool : undefined;
    } catch {
      return null;
    }
    if (!isPool(pool)) return null;
    if (!this.pools.has(pool)) {
      this.pools.add(pool);
      pool.on('acquireRequest', (id) => { this.acquireStarted.set(id, performance.now()); });
      pool.on('acquireSuccess', (id) => {
        const t0 = this.acquireStarted.get(id);
        this.acquireStarted.delete(id);
        if (t0 !== undefined) this.acquireWait.observe((performance.now() - t0) / 1000);
      });
      pool.on('acquireFail', (id) => {
        this.acquireStarted.delete(id);
        this.acquireFailures.inc();
      });
    }
    return pool;
  }
}
