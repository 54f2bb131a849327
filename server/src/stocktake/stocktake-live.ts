import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { StocktakeTasks } from '@stockfleet/shared';
import { adminEmit, FleetEvents, tillEmit, type Fanout } from '../fleet/fleet.events.js';
import { groupBy } from '../common/group-by.js';
import { GroupCommit } from '../common/group-commit.js';
import { sql } from '../common/sql.js';
import { StocktakeRepository, type OpenRecountRow } from './stocktake.repository.js';

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
  static readonly COUNTS_EVERY_MS = 2000;
  private lastFlushed = new Map<string, number>(); // storeId → when its progress was last sent

  constructor(
    private readonly em: EntityManager,
    private readonly repo: StocktakeRepository,
    private readonly events: FleetEvents,
  ) {}

  /**
   * A till's tasks on connect. A reconnect storm (10,000 tills of 1,000 stores after a hub restart) asks
   * for every store ten times over within a second or two: the reads are coalesced — one read of every
   * store asked for while the previous read was in flight, each store once (two statements for the
   * whole batch instead of three per till). Each caller's read starts after it asked, so a till never
   * gets tasks older than its connection.
   */
  tasksFor(storeId: string): Promise<StocktakeTasks | null> {
    return this.tasksReads.push(storeId);
  }

  private readonly tasksReads = new GroupCommit<string, StocktakeTasks | null>(async (storeIds) => {
    const tasks = await this.tasksForMany([...new Set(storeIds)]);
    return storeIds.map((id) => tasks.get(id) ?? null);
  }, { maxInFlight: 1, maxItems: 10_000, lingerMs: 20 });

  /** The tasks of every store with an active count among `storeIds`, in two statements. */
  async tasksForMany(storeIds: string[]): Promise<Map<string, StocktakeTasks>> {
    const out = new Map<string, StocktakeTasks>();
    if (!storeIds.length) return out;
    const em = this.em.fork();
    const rows = await this.repo.activeTasks(em, storeIds);
    const recounts = await this.repo.openRecounts(em, rows);
    const recountsOf = groupBy(recounts, (t) => `${t.stocktake_id}:${t.store_id}`);
    for (const r of rows) {
      out.set(r.store_id, {
        stocktakeId: r.stocktake_id, name: r.name, storeStatus: r.status, practice: r.practice, blind: r.blind,
        recounts: (recountsOf.get(`${r.stocktake_id}:${r.store_id}`) ?? []).map(toRecount),
        progress: { countedProducts: r.counted, scopeProducts: r.scope, entries: r.entries },
      });
    }
    return out;
  }

  async pushTasks(storeId: string) {
    const tasks = await this.tasksFor(storeId);
    if (tasks) this.events.fanout([tasksEmit(storeId, tasks)]);
  }

  /**
   * A store's progress is due. `counts`: only new scans (a scan storm), sent at most every 2 s per store —
   * the progress query reads the store's count rows, and under 50,000 scans a second that cadence is what
   * PostgreSQL can spare; state changes go out within 500 ms.
   */
  changed(stocktakeId: string, storeId: string, kind: 'state' | 'counts' = 'state') {
    if (kind === 'counts') {
      const wait = (this.lastFlushed.get(storeId) ?? 0) + StocktakeLive.COUNTS_EVERY_MS - Date.now();
      if (wait > 0) {
        this.later(stocktakeId, storeId, wait);
        return;
      }
    }
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

  /** Every store that changed since the last flush, in three statements, and one fan-out to every hub node. */
  private async flushOnce() {
    const items = [...this.pending];
    this.pending.clear();
    if (!items.length) return;
    const now = Date.now();
    for (const [storeId] of items) this.lastFlushed.set(storeId, now);
    const em = this.em.fork();
    const out: Fanout[] = [];
    try {
      const rows = await sql<any[]>(em,
        `select c.stocktake_id, c.store_id, ss.status, coalesce(ss.scope_products, 0) as scope, ss.snapshot_movement_id,
                s.name, s.practice, s.blind, e.counted, e.entries, e.per_minute, t.tills, t.frozen
           from unnest(?::uuid[], ?::uuid[]) as c(stocktake_id, store_id)
           join stocktake_store ss on ss.stocktake_id = c.stocktake_id and ss.store_id = c.store_id
           join stocktake s on s.id = c.stocktake_id
           cross join lateral (select count(distinct product_id)::int as counted, count(*)::int as entries,
                                      (count(*) filter (where received_at > now() - interval '1 minute'))::int as per_minute
                                 from count_entry where stocktake_id = c.stocktake_id and store_id = c.store_id) e
           cross join lateral (select count(*)::int as tills,
                                      (count(*) filter (where reported_mode in ('frozen', 'counting') and reported_epoch >= desired_epoch))::int as frozen
                                 from terminal where store_id = c.store_id and token_hash is not null and revoked_at is null) t`,
        [`{${items.map(([, st]) => st).join(',')}}`, `{${items.map(([store]) => store).join(',')}}`]);
      const active = rows.filter((r) => ['freezing', 'counting', 'review'].includes(r.status));
      const recounts = await this.repo.openRecounts(em, active);
      const recountsOf = groupBy(recounts, (t) => `${t.stocktake_id}:${t.store_id}`);
      // Scope and thresholds once per stocktake (a chain scope lists every store).
      let stocktakes: Map<string, any> | null = null;
      const stocktake = async (id: string) => (stocktakes ??= await this.repo.stocktakes(em, rows.map((r) => r.stocktake_id))).get(id);
      for (const r of rows) {
        const { stocktake_id: stocktakeId, store_id: storeId } = r;
        const running = await this.runningVariance(em, r, stocktake);
        const payload = { stocktakeId, storeId, status: r.status, tills: r.tills, tillsFrozen: r.frozen, countedProducts: r.counted, scopeProducts: r.scope, scansPerMinute: r.per_minute, runningVarianceValueCents: running };
        out.push(adminEmit([FleetEvents.adminAllRoom], 'stocktake.progress.v1', payload), adminEmit([FleetEvents.adminStoreRoom(storeId)], 'stocktake.progress.v1', payload));
        // The store's tills get their progress and recount list at the same pace (while the count is active).
        if (!active.includes(r)) continue;
        out.push(tasksEmit(storeId, {
          stocktakeId, name: r.name, storeStatus: r.status, practice: r.practice, blind: r.blind,
          recounts: (recountsOf.get(`${stocktakeId}:${storeId}`) ?? []).map(toRecount),
          progress: { countedProducts: r.counted, scopeProducts: r.scope, entries: r.entries },
        }));
      }
    } catch {
      // the database is away; admins refetch on reconnect
    }
    this.events.fanout(out);
  }

  /** Value of the differences found so far, over the products counted (uncounted ones are not a finding yet). */
  private async runningVariance(em: EntityManager, r: any, stocktake: (id: string) => Promise<any>): Promise<number | null> {
    if (!r.snapshot_movement_id || (r.status !== 'counting' && r.status !== 'review')) return null;
    if (r.entries === 0) return 0; // nothing counted yet: no difference found
    const { stocktake_id: stocktakeId, store_id: storeId } = r;
    const key = `${stocktakeId}:${storeId}`;
    const cached = this.variance.get(key);
    const now = Date.now();
    if (cached && cached.entries === r.entries) return cached.value;
    if (cached && now - cached.at < StocktakeLive.VARIANCE_EVERY_MS) {
      this.later(stocktakeId, storeId, cached.at + StocktakeLive.VARIANCE_EVERY_MS - now);
      return cached.value;
    }
    const st = await stocktake(stocktakeId);
    const lines = await this.repo.variance(em, { id: stocktakeId, scope: st.scope, thresholds: st.thresholds }, storeId, r.snapshot_movement_id);
    const value = lines.filter((l) => !l.uncounted).reduce((sum, l) => sum + l.varianceValueCents, 0);
    this.variance.set(key, { at: now, entries: r.entries, value });
    return value;
  }

  private trailing = new Map<string, { timer: NodeJS.Timeout; due: number }>();

  /** A flush for this store in `ms` (or sooner, if one is already due sooner). */
  private later(stocktakeId: string, storeId: string, ms: number) {
    const due = Date.now() + Math.max(50, ms);
    const existing = this.trailing.get(storeId);
    if (existing && existing.due <= due) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.trailing.delete(storeId);
      this.changed(stocktakeId, storeId);
    }, due - Date.now());
    timer.unref();
    this.trailing.set(storeId, { timer, due });
  }

  onModuleDestroy() {
    if (this.timer) clearTimeout(this.timer);
    for (const t of this.trailing.values()) clearTimeout(t.timer);
  }
}

/** Recount tasks and progress to every till of a store. */
const tasksEmit = (storeId: string, tasks: StocktakeTasks): Fanout => tillEmit([FleetEvents.storeRoom(storeId)], 'stocktake.tasks.v1', tasks);

/** An open recount task row as the tills see it. */
const toRecount = (t: OpenRecountRow) => ({ id: t.id, productId: t.product_id, sku: t.sku, name: t.name, zoneId: t.zone_id, round: t.round });
