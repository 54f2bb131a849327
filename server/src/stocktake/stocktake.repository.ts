import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { StocktakeScope, StoreCountStatus, VarianceLineDto } from '@stockfleet/shared';
import { variance } from '@stockfleet/shared';

import { groupBy } from '../common/group-by.js';
import { sql } from '../common/sql.js';

const arr = (ids: string[]) => `{${ids.join(',')}}`;

/** The products a stocktake covers, as SQL over `product p` (zone-only counts cover what was counted). */
export function scopeProductFilter(scope: StocktakeScope): { sql: string; params: unknown[] } {
  switch (scope.filter.kind) {
    case 'full':
    case 'zones':
      return { sql: 'true', params: [] };
    case 'categories':
      return { sql: 'p.category = any(?::text[])', params: [`{${scope.filter.categories.map((c) => `"${c.replace(/["\\]/g, '\\$&')}"`).join(',')}}`] };
    case 'products':
      return { sql: 'p.id = any(?::uuid[])', params: [arr(scope.filter.productIds)] };
  }
}

/** All SQL of the stocktake feature. */
/** A store's active count with its progress, as the tills' tasks need it. */
export interface ActiveTasksRow {
  store_id: string;
  stocktake_id: string;
  status: StoreCountStatus;
  name: string;
  practice: boolean;
  blind: boolean;
  scope: number;
  counted: number;
  entries: number;
}

/** An open recount task, with its product. */
export interface OpenRecountRow {
  stocktake_id: string;
  store_id: string;
  id: string;
  product_id: string;
  sku: string;
  name: string;
  zone_id: string | null;
  round: number;
}

@Injectable()
export class StocktakeRepository {
  async storesInScope(em: EntityManager, scope: StocktakeScope): Promise<Array<{ id: string }>> {
    if (scope.kind === 'chain') return sql(em, `select id from store order by code`);
    if (scope.kind === 'regions') return sql(em, `select id from store where region_id = any(?::uuid[]) order by code`, [arr(scope.regionIds)]);
    return sql(em, `select id from store where id = any(?::uuid[]) order by code`, [arr(scope.storeIds)]);
  }

  async lockStore(em: EntityManager, stocktakeId: string, storeId: string) {
    const [row] = await sql(
      em,
      `select ss.*, s.scope, s.name, s.blind, s.practice, s.practice_terminal_ids, s.thresholds, s.grace_seconds, s.created_by_name, s.status as stocktake_status
         from stocktake_store ss join stocktake s on s.id = ss.stocktake_id
        where ss.stocktake_id = ? and ss.store_id = ? for update of ss`,
      [stocktakeId, storeId],
    );
    return row as any | undefined;
  }

  /**
   * The freezing counts of these stores whose barrier is complete: every active till (or drill till of a
   * practice count) has reported frozen at its latest epoch, or was forced past. The shared
   * `barrierComplete` rule, in SQL, so that a sweep of 1,000 stores that mostly still wait costs one short
   * read instead of shipping 10,000 tills — a chain-wide freeze sweeps again after every batch of reports.
   */
  private static readonly PASSING = `
    select ss.stocktake_id, ss.store_id from stocktake_store ss join stocktake s on s.id = ss.stocktake_id
     where ss.store_id = any(?::uuid[]) and ss.status = 'freezing'
       and not exists (
         select 1 from terminal t
          where t.store_id = ss.store_id and t.token_hash is not null and t.revoked_at is null
            and (jsonb_array_length(coalesce(s.practice_terminal_ids, '[]'::jsonb)) = 0 or s.practice_terminal_ids @> to_jsonb(t.id::text))
            and not coalesce(t.reported_mode = 'frozen' and t.reported_epoch >= t.desired_epoch, false)
            and not coalesce(ss.forced, '[]'::jsonb) @> jsonb_build_array(jsonb_build_object('id', t.id::text)))`;

  /** Which of these stores have a count whose barrier is complete (read only: nothing is locked). */
  async passingBarriers(em: EntityManager, storeIds: string[]): Promise<string[]> {
    const rows = await sql<any[]>(em, StocktakeRepository.PASSING, [arr(storeIds)]);
    return [...new Set(rows.map((r) => r.store_id as string))];
  }

  /**
   * The counts of these stores whose barrier is complete, row-locked, and their stocktakes once each (a
   * chain scope lists every store: not to be read per row). The rule is evaluated again under the lock.
   * Rows another transaction holds (another hub node, or another sweep, passing the same stores) are
   * skipped, not waited for: their stores come back as `busy`, for the caller to look at again.
   */
  async lockPassing(em: EntityManager, storeIds: string[]) {
    const found = await sql<any[]>(
      em,
      `with p as (${StocktakeRepository.PASSING}),
            c as (select ss.stocktake_id, ss.store_id, ss.status, ss.forced from stocktake_store ss
                   where ss.status = 'freezing' and (ss.stocktake_id, ss.store_id) in (select stocktake_id, store_id from p)
                   order by ss.store_id, ss.stocktake_id for update skip locked)
       select c.*, false as busy from c
       union all
       select p.stocktake_id, p.store_id, null, null, true
         from p where not exists (select 1 from c where c.stocktake_id = p.stocktake_id and c.store_id = p.store_id)`,
      [arr(storeIds)],
    );
    const rows = found.filter((r) => !r.busy);
    const busy = [...new Set(found.filter((r) => r.busy).map((r) => r.store_id as string))];
    const stocktakes = rows.length ? await this.stocktakes(em, rows.map((r) => r.stocktake_id)) : new Map<string, any>();
    return { rows, stocktakes, busy };
  }

  /** Stocktake rows by id. */
  async stocktakes(em: EntityManager, ids: string[]): Promise<Map<string, any>> {
    const rows = await sql<any[]>(em, `select * from stocktake where id = any(?::uuid[])`, [arr([...new Set(ids)])]);
    return new Map(rows.map((r) => [r.id, r]));
  }

  /**
   * The tills each of these counts steers — every active till of the store, or only the drill tills of a
   * practice count — keyed `stocktakeId:storeId`, in one query.
   */
  async activeTillsOf(em: EntityManager, counts: Array<{ stocktake_id: string; store_id: string }>) {
    const rows = await sql<any[]>(
      em,
      `select c.stocktake_id, c.store_id, t.id, t.name, t.desired_epoch, t.reported_mode, t.reported_epoch,
              (t.online and t.last_seen_at > now() - interval '45 seconds') as online
         from unnest(?::uuid[], ?::uuid[]) as c(stocktake_id, store_id)
         join stocktake s on s.id = c.stocktake_id
         join terminal t on t.store_id = c.store_id and t.token_hash is not null and t.revoked_at is null
          and (jsonb_array_length(coalesce(s.practice_terminal_ids, '[]'::jsonb)) = 0 or s.practice_terminal_ids @> to_jsonb(t.id::text))
        order by t.name`,
      [arr(counts.map((c) => c.stocktake_id)), arr(counts.map((c) => c.store_id))],
    );
    return groupBy(rows, (r) => `${r.stocktake_id}:${r.store_id}`);
  }

  /** Barrier passed: these counts start counting against the same ledger watermark. */
  async markCounting(em: EntityManager, counts: Array<{ stocktakeId: string; storeId: string; products: number }>, movementId: string) {
    await sql(
      em,
      `update stocktake_store ss set status = 'counting', snapshot_at = now(), snapshot_movement_id = ?, scope_products = x.products
         from jsonb_to_recordset(?::jsonb) as x(stocktake_id uuid, store_id uuid, products int)
        where ss.stocktake_id = x.stocktake_id and ss.store_id = x.store_id`,
      [movementId, JSON.stringify(counts.map((c) => ({ stocktake_id: c.stocktakeId, store_id: c.storeId, products: c.products })))],
    );
  }

  /** The active (not final) stocktake of a store, if any. */
  /** The newest active count of each of these stores (freezing, counting or review), with its progress. */
  async activeTasks(em: EntityManager, storeIds: string[]): Promise<ActiveTasksRow[]> {
    return sql<ActiveTasksRow[]>(em,
      `select a.*, e.counted, e.entries
         from (select distinct on (ss.store_id) ss.store_id, ss.stocktake_id, ss.status, s.name, s.practice, s.blind,
                      coalesce(ss.scope_products, 0) as scope
                 from stocktake_store ss join stocktake s on s.id = ss.stocktake_id
                where ss.store_id = any(?::uuid[]) and ss.status in ('freezing', 'counting', 'review')
                order by ss.store_id, s.created_at desc) a
         cross join lateral (select count(distinct product_id)::int as counted, count(*)::int as entries
                               from count_entry where stocktake_id = a.stocktake_id and store_id = a.store_id) e`,
      [`{${storeIds.join(',')}}`]);
  }

  /** Open recount tasks of these (stocktake, store) counts, by SKU. */
  async openRecounts(em: EntityManager, counts: Array<{ stocktake_id: string; store_id: string }>): Promise<OpenRecountRow[]> {
    if (!counts.length) return [];
    return sql<OpenRecountRow[]>(em,
      `select t.stocktake_id, t.store_id, t.id, t.product_id, p.sku, p.name, t.zone_id, t.round
         from recount_task t join product p on p.id = t.product_id
        where (t.stocktake_id, t.store_id) in (select * from unnest(?::uuid[], ?::uuid[])) and t.status = 'open' order by p.sku`,
      [`{${counts.map((c) => c.stocktake_id).join(',')}}`, `{${counts.map((c) => c.store_id).join(',')}}`]);
  }

  async activeForStore(em: EntityManager, storeId: string) {
    const [row] = await sql(
      em,
      `select ss.stocktake_id, ss.status, s.name, s.practice, s.blind from stocktake_store ss join stocktake s on s.id = ss.stocktake_id
        where ss.store_id = ? and ss.status in ('freezing', 'counting', 'review') order by s.created_at desc limit 1`,
      [storeId],
    );
    return row as any | undefined;
  }

  /**
   * The snapshot is a ledger watermark, not a copy: with the store's ledger locked, the highest movement
   * id fixes the books exactly (book at snapshot = balance − movements after the watermark), in O(1)
   * however large the catalogue. Returns how many products the count covers.
   */
  async scopeProductCount(em: EntityManager, scope: StocktakeScope): Promise<number> {
    const f = scopeProductFilter(scope);
    const [row] = await sql<any[]>(em, `select count(*)::int as n from product p where ${f.sql}`, f.params);
    return row.n;
  }

  /** Which of these products the stocktake covers. */
  async productsInScope(em: EntityManager, scope: StocktakeScope, productIds: string[]): Promise<Set<string>> {
    if (!productIds.length) return new Set();
    const f = scopeProductFilter(scope);
    const rows = await sql<any[]>(em, `select p.id from product p where p.id = any(?::uuid[]) and ${f.sql}`, [arr(productIds), ...f.params]);
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Variance per product of one store. expected = book at the snapshot + every movement recorded after it
   * (late sales from offline tills, sales during the freeze); counted honours recounts (latest round wins).
   */
  async variance(
    em: EntityManager,
    st: { id: string; scope: StocktakeScope; thresholds: any },
    storeId: string,
    snapshotMovementId: string,
    freezeAt: Date | string | null = null,
  ): Promise<VarianceLineDto[]> {
    const zonesOnly = st.scope.filter.kind === 'zones';
    const f = scopeProductFilter(st.scope);
    const rows = await sql<any[]>(
      em,
      `with e as (select * from count_entry where stocktake_id = ? and store_id = ?),
            sw as (select product_id, max(round) r from e where round > 0 and recount_zone_id is null group by product_id),
            zr as (select product_id, recount_zone_id as zone_id, max(round) r from e where round > 0 and recount_zone_id is not null group by 1, 2),
            counted as (
              select e.product_id, sum(e.quantity)::int as qty from e
                left join sw on sw.product_id = e.product_id
                left join zr on zr.product_id = e.product_id and zr.zone_id = e.zone_id
               where e.round >= coalesce(sw.r, 0) and e.round >= coalesce(zr.r, 0)
               group by e.product_id),
            after as (
              select product_id, sum(quantity)::int as all_qty, (sum(quantity) filter (where kind <> 'stocktake'))::int as late_qty,
                     (sum(quantity) filter (where kind <> 'stocktake' and occurred_at >= ?::timestamptz))::int as during_qty
                from stock_movement where store_id = ? and id > ? group by product_id),
            tasks as (select product_id, max(round)::int as rounds, bool_or(status = 'open') as open from recount_task where stocktake_id = ? and store_id = ? group by product_id)
       select p.id, p.sku, p.name, p.category, p.unit_cost_cents,
              coalesce(b.on_hand, 0) - coalesce(a.all_qty, 0) as book, coalesce(a.late_qty, 0) as late, coalesce(a.during_qty, 0) as during, c.qty as counted,
              coalesce(t.open, false) as recount_open, coalesce(t.rounds, 0) as rounds, vr.reason
         from product p
         left join stock_balance b on b.product_id = p.id and b.store_id = ?
         left join after a on a.product_id = p.id
         left join counted c on c.product_id = p.id
         left join tasks t on t.product_id = p.id
         left join variance_reason vr on vr.stocktake_id = ? and vr.store_id = ? and vr.product_id = p.id
        where ${f.sql} ${zonesOnly ? 'and c.qty is not null' : ''}
        order by p.sku`,
      [st.id, storeId, freezeAt === null ? 'infinity' : new Date(freezeAt).toISOString(), storeId, snapshotMovementId, st.id, storeId, storeId, st.id, storeId, ...f.params],
    );
    return rows.map((r) => {
      const expected = r.book + r.late;
      const counted = r.counted ?? 0;
      const v = variance({ expected, counted, unitCostCents: r.unit_cost_cents }, st.thresholds);
      return {
        productId: r.id, sku: r.sku, name: r.name, category: r.category, unitCostCents: r.unit_cost_cents,
        book: r.book, lateSales: r.late, soldDuringFreeze: r.during, expected, counted, variance: v.variance, varianceValueCents: v.varianceValueCents,
        overThreshold: v.overThreshold, uncounted: r.counted === null, recountOpen: r.recount_open, recountRounds: r.rounds, reason: r.reason,
      };
    });
  }

  /**
   * Freezes the approved result of one store (what reports read). `posted` lines are the ones approval
   * wrote to the ledger. Runs in the approval transaction; a second approval never gets here.
   */
  async saveLines(em: EntityManager, stocktakeId: string, storeId: string, lines: VarianceLineDto[], posted: Set<string>, fullCount: boolean): Promise<void> {
    for (let i = 0; i < lines.length; i += 5000) {
      const chunk = lines.slice(i, i + 5000).map((l) => {
        // A full count sets what nobody counted to zero (a finding); a partial count leaves it alone (no finding).
        const finding = fullCount || !l.uncounted;
        return {
          p: l.productId, sku: l.sku, n: l.name, c: l.category, u: l.unitCostCents, b: l.book,
          ls: l.lateSales - l.soldDuringFreeze, d: l.soldDuringFreeze, e: l.expected, q: l.counted, un: l.uncounted,
          v: finding ? l.variance : 0, vv: finding ? l.varianceValueCents : 0, o: finding && l.overThreshold, rr: l.recountRounds, r: l.reason, po: posted.has(l.productId),
        };
      });
      await sql(
        em,
        `insert into stocktake_line (stocktake_id, store_id, product_id, sku, name, category, unit_cost_cents, book, late_sales, sold_during_freeze,
                                     expected, counted, uncounted, variance, variance_value_cents, over_threshold, recount_rounds, reason, posted)
         select ?, ?, p, sku, n, c, u, b, ls, d, e, q, un, v, vv, o, rr, r, po
           from jsonb_to_recordset(?::jsonb) as x(p uuid, sku text, n text, c text, u int, b int, ls int, d int, e int, q int, un boolean,
                                                  v int, vv bigint, o boolean, rr int, r text, po boolean)
         on conflict do nothing`,
        [stocktakeId, storeId, JSON.stringify(chunk)],
      );
    }
  }

  /** The frozen result of an approved store, as the review screen shows lines. */
  async savedLines(em: EntityManager, stocktakeId: string, storeId: string): Promise<VarianceLineDto[]> {
    const rows = await sql<any[]>(em, `select * from stocktake_line where stocktake_id = ? and store_id = ? order by sku`, [stocktakeId, storeId]);
    return rows.map((r) => ({
      productId: r.product_id, sku: r.sku, name: r.name, category: r.category, unitCostCents: r.unit_cost_cents,
      book: r.book, lateSales: r.late_sales + r.sold_during_freeze, soldDuringFreeze: r.sold_during_freeze, expected: r.expected, counted: r.counted,
      variance: r.variance, varianceValueCents: Number(r.variance_value_cents), overThreshold: r.over_threshold, uncounted: r.uncounted,
      recountOpen: false, recountRounds: r.recount_rounds, reason: r.reason,
    }));
  }
}
