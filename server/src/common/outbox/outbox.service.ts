import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ErrorCode } from '@stockfleet/shared';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { DependencyHealth } from '../dependencies/dependency-health.js';
import { DomainException } from '../domain-exception.js';
import { OutboxRepository, type OutboxRow } from './outbox.repository.js';
import type { OutboxHandler, OutboxTopic, OutboxTopics } from './outbox.types.js';

/** How long the committing process has its rows to itself before any process's sweep relays them. */
const HOLD_SECONDS = 2;
const SWEEP_MS = 2000;
const LEASE_SECONDS = 30;
const HANDLER_MS = 10_000;
const BATCH = 50;

/**
 * The transactional outbox. Work for Redis that follows a change (a report's job, its "queued" event)
 * is written with `add` in the change's own transaction; after the commit the caller `kick`s the relay,
 * which runs in the background: the request never waits on Redis. Every hub and worker process relays
 * (rows are leased with `for update skip locked`, so several processes never relay one row at once):
 * at once for a committing request's own rows, every 2 s for anything due, and as soon as Redis is back
 * after an outage. Handlers must be idempotent (a row is relayed again if its process dies mid-way);
 * report jobs are, their job ids being the report's.
 */
@Injectable()
export class Outbox implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('Outbox');
  private readonly handlers = new Map<OutboxTopic, OutboxHandler<OutboxTopic>>();
  private readonly pendingKeys = new Set<string>();
  private running: Promise<void> | null = null;
  private again = false;
  private timer?: NodeJS.Timeout;
  private stopping = false;
  private unsubscribe?: () => void;

  constructor(
    private readonly em: EntityManager,
    private readonly repo: OutboxRepository,
    private readonly health: DependencyHealth,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get scope() {
    return this.config.bullPrefix;
  }

  register<T extends OutboxTopic>(topic: T, handler: OutboxHandler<T>) {
    this.handlers.set(topic, handler as unknown as OutboxHandler<OutboxTopic>);
  }

  /** Records work for after the commit, in the caller's transaction. `key` lets the caller's `kick` find it. */
  async add<T extends OutboxTopic>(tem: EntityManager, topic: T, payload: OutboxTopics[T], key: string | null = null): Promise<void> {
    await this.repo.insert(tem, { scope: this.scope, topic, key, payload, holdSeconds: HOLD_SECONDS });
  }

  /** After the commit: relays the rows with these keys now, in the background. Never waits, never throws. */
  kick(...keys: string[]) {
    for (const k of keys) this.pendingKeys.add(k);
    this.schedule();
  }

  /** Rows waiting in this deployment's outbox (for /metrics). */
  depth(): Promise<number> {
    return this.repo.depth(this.em.fork(), this.scope);
  }

  /** Relays until nothing is due; for tests and shutdown-free callers that want it done. */
  async drain(): Promise<void> {
    this.schedule();
    while (this.running) await this.running;
  }

  onApplicationBootstrap() {
    this.timer = setInterval(() => this.schedule(), SWEEP_MS);
    this.timer.unref();
    this.unsubscribe = this.health.onChange((component, up) => {
      if (!up || (component !== 'queue' && component !== 'redis') || !this.health.isUp('queue')) return;
      // Back from an outage: whatever waited for a retry is due now.
      void this.repo.dueNow(this.em.fork(), this.scope).catch(() => {}).then(() => this.schedule());
    });
    this.schedule();
  }

  onModuleDestroy() {
    this.stopping = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  private schedule() {
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.relayAll()
      .catch((e: unknown) => {
        // The database is away: the rows are safe where they are; DependencyHealth logs the outage.
        this.log.debug(`relay: ${(e as Error).message}`);
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.schedule();
        }
      });
  }

  private async relayAll() {
    const topics = [...this.handlers.keys()];
    if (!topics.length) return;
    // Redis is away: nothing would get through; the rows stay due and go when it is back.
    if (!this.health.isUp('queue')) return;
    const em = this.em.fork();
    if (this.pendingKeys.size) {
      const keys = [...this.pendingKeys];
      this.pendingKeys.clear();
      const rows = await this.repo.claim(em, { scope: this.scope, topics, keys, limit: BATCH, leaseSeconds: LEASE_SECONDS });
      if (!(await this.relayRows(em, rows))) return;
    }
    for (let round = 0; round < 20 && !this.stopping; round++) {
      const rows = await this.repo.claim(em, { scope: this.scope, topics, keys: null, limit: BATCH, leaseSeconds: LEASE_SECONDS });
      if (!rows.length || !(await this.relayRows(em, rows))) return;
    }
  }

  /** Relays rows one by one; false when Redis went away meanwhile (the rest are released untried). */
  private async relayRows(em: EntityManager, rows: OutboxRow[]): Promise<boolean> {
    for (const [i, row] of rows.entries()) {
      if (this.stopping || !this.health.isUp('queue')) {
        for (const rest of rows.slice(i)) await this.repo.release(em, rest.id, 0, 'not tried: Redis unavailable');
        return false;
      }
      const handler = this.handlers.get(row.topic as OutboxTopic);
      try {
        if (!handler) throw new Error(`no handler for ${row.topic}`);
        await bounded(handler(row.payload as OutboxTopics[OutboxTopic]), HANDLER_MS);
        await this.repo.done(em, row.id);
      } catch (e) {
        const unavailable = e instanceof DomainException && e.code === ErrorCode.Unavailable;
        const message = (e as Error)?.message ?? String(e);
        if (!unavailable) this.log.warn(`${row.topic} ${row.key ?? row.id} not relayed (attempt ${row.attempts}): ${message}`);
        await this.repo.release(em, row.id, unavailable ? 1 : Math.min(60, 2 ** Math.min(row.attempts, 6)), message);
        if (unavailable) {
          for (const rest of rows.slice(i + 1)) await this.repo.release(em, rest.id, 0, 'not tried: Redis unavailable');
          return false;
        }
      }
    }
    return true;
  }
}

const bounded = <T>(p: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DomainException(ErrorCode.Unavailable, `timed out after ${ms} ms`)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
};
