import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { StocktakeTasks } from '@stockfleet/shared';
import { FleetEvents } from '../fleet/fleet.events.js';
import { sql } from '../common/sql.js';
import { StocktakeRepository } from './stocktake.repository.js';

/** Live pushes: recount tasks and progress to a store's tills, progress to admins at most twice a second per store. */
@Injectable()
export class StocktakeLive implements OnModuleDestroy {
  private pending = new Map<string, string>(); // storeId → stocktakeId
  private timer: NodeJS.Timeout | null = null;
  private flushing = false;
  /**
   * The running variance reads every product in scope against every count row of the store: under a scan
   * stream it cost PostgreSQL as much as the inserts. It is recomputed at most every 5 s per store (the
   * last value is sent meanwhile, and a trailing flush brings the final one).
   */
  private variance = new Map<string, { at: number; entries: number; value: number | null }>();
  static readonly VARIANCE_EVERY_MS = 5000;

  constructor(
    private readonly em: EntityManager,
    private readonly repo: StocktakeRepository,
    private readonly events: FleetEvents,
  ) {}

  async tasksFor(storeId: string): Promise<StocktakeTasks | null> {
    const em = this.em.fork();
    const active = await this.repo.activeForStore(em, storeId);
    if (!active) return null;
    const recounts = await sql<any[]>(em,
      `select t.id, t.product_id, p.sku, p.name, t.zone_id, t.round from recount_task t join product p on p.id = t.product_id
        where t.stocktake_id = ? and t.store_id = ? and t.status = 'open' order by p.sku`, [active.stocktake_id, storeId]);
    const [progress] = await sql<any[]>(em,
      `select (select count(distinct product_id) from count_entry where stocktake_id = ? and store_id = ?)::int as counted,
              (select count(*) from count_entry where stocktake_id = ? and store_id = ?)::int as entries,
              coalesce((select scope_products from stocktake_store where stocktake_id = ? and store_id = ?), 0) as scope`,
      [active.stocktake_id, storeId, active.stocktake_id, storeId, active.stocktake_id, storeId]);
    return {
      stocktakeId: active.stocktake_id, name: active.name, storeStatus: active.status, practice: active.practice, blind: active.blind,
      recounts: recounts.map((r) => ({ id: r.id, productId: r.product_id, sku: r.sku, name: r.name, zoneId: r.zone_id, round: r.round })),
      progress: { countedProducts: progress.counted, scopeProducts: progress.scope, entries: progress.entries },
    };
  }

  async pushTasks(storeId: string) {
    const tasks = await this.tasksFor(storeId);
    if (tasks) (this.events.till as any)?.to(FleetEvents.storeRoom(storeId)).emit('stocktake.tasks.v1', tasks);
  }

  changed(stocktakeId: string, storeId: string) {
    this.pending.set(storeId, stocktakeId);
    this.timer ??= setTimeout(() => void this.flush(), 500);
  }

  private async flush() {
    this.timer = null;
    // One flush at a time: a slow one must not pile up behind the next timer.
    if (this.flushing) {
      this.timer = setTimeout(() => void this.flush(), 500);
      return;
    }
    this.flushing = true;
    try {
      await this.flushOnce();
    } finally {
      this.flushing = false;
    }
  }

  private async flushOnce() {
    const items = [...this.pending];
    this.pending.clear();
    const em = this.em.fork();
    for (const [storeId, stocktakeId] of items) {
      try {
        const [r] = await sql<any[]>(em,
          `select ss.status, coalesce(ss.scope_products, 0) as scope, ss.snapshot_movement_id, s.scope as st_scope, s.thresholds,
                  (select count(distinct product_id) from count_entry where stocktake_id = ss.stocktake_id and store_id = ss.store_id)::int as counted,
                  (select count(*) from count_entry where stocktake_id = ss.stocktake_id and store_id = ss.store_id and received_at > now() - interval '1 minute')::int as per_minute,
                  (select count(*) from count_entry where stocktake_id = ss.stocktake_id and store_id = ss.store_id)::int as entries,
                  (select count(*) from terminal t where t.store_id = ss.store_id and t.token_hash is not null and t.revoked_at is null)::int as tills,
                  (select count(*) from terminal t where t.store_id = ss.store_id and t.token_hash is not null and t.revoked_at is null
                     and t.reported_mode in ('frozen', 'counting') and t.reported_epoch >= t.desired_epoch)::int as frozen
             from stocktake_store ss join stocktake s on s.id = ss.stocktake_id where ss.stocktake_id = ? and ss.store_id = ?`, [stocktakeId, storeId]);
        if (!r) continue;
        // Value of the differences found so far, over the products counted (uncounted ones are not a finding yet).
        let running: number | null = null;
        if (r.snapshot_movement_id && (r.status === 'counting' || r.status === 'review')) {
          const key = `${stocktakeId}:${storeId}`;
          const cached = this.variance.get(key);
          const now = Date.now();
          if (cached && cached.entries === r.entries) running = cached.value;
          else if (cached && now - cached.at < StocktakeLive.VARIANCE_EVERY_MS) {
            running = cached.value;
            this.later(stocktakeId, storeId, cached.at + StocktakeLive.VARIANCE_EVERY_MS - now);
          } else {
            const lines = await this.repo.variance(em, { id: stocktakeId, scope: r.st_scope, thresholds: r.thresholds }, storeId, r.snapshot_movement_id);
            running = lines.filter((l) => !l.uncounted).reduce((sum, l) => sum + l.varianceValueCents, 0);
            this.variance.set(key, { at: now, entries: r.entries, value: running });
          }
        }
        const payload = { stocktakeId, storeId, status: r.status, tills: r.tills, tillsFrozen: r.frozen, countedProducts: r.counted, scopeProducts: r.scope, scansPerMinute: r.per_minute, runningVarianceValueCents: running };
        this.events.admin?.to(FleetEvents.adminAllRoom).emit('stocktake.progress.v1', payload);
        this.events.admin?.to(FleetEvents.adminStoreRoom(storeId)).emit('stocktake.progress.v1', payload);
        // The store's tills get their progress and recount list at the same pace.
        await this.pushTasks(storeId);
      } catch {
        // the database is away; admins refetch on reconnect
      }
    }
  }

  private trailing = new Map<string, NodeJS.Timeout>();

  /** A flush for this store once the running variance may be recomputed. */
  private later(stocktakeId: string, storeId: string, ms: number) {
    if (this.trailing.has(storeId)) return;
    const t = setTimeout(() => {
      this.trailing.delete(storeId);
      this.changed(stocktakeId, storeId);
    }, Math.max(50, ms));
    t.unref();
    this.trailing.set(storeId, t);
  }

  onModuleDestroy() {
    if (this.timer) clearTimeout(this.timer);
    for (const t of this.trailing.values()) clearTimeout(t);
  }
}
