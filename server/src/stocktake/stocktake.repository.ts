import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { StocktakeScope, VarianceLineDto } from '@stockfleet/shared';
import { variance } from '@stockfleet/shared';

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

  /** The tills a count steers: every active till of the store, or only the drill tills of a practice count. */
  async activeTills(em: EntityManager, storeId: string, practiceTerminalIds: string[] = []) {
    const only = practiceTerminalIds.length ? 'and id = any(?::uuid[])' : '';
    return sql<any[]>(
      em,
      `select id, name, desired_epoch, reported_mode, reported_epoch, (online and last_seen_at > now() - interval '45 seconds') as online
         from terminal where store_id = ? and token_hash is not null and revoked_at is null ${only} order by name`,
      practiceTerminalIds.length ? [storeId, `{${practiceTerminalIds.join(',')}}`] : [storeId],
    );
  }

  /** The active (not final) stocktake of a store, if any. */
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
  async variance(em: EntityManager, st: { id: string; scope: StocktakeScope; thresholds: any }, storeId: string, snapshotMovementId: string): Promise<VarianceLineDto[]> {
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
              select product_id, sum(quantity)::int as all_qty, (sum(quantity) filter (where kind <> 'stocktake'))::int as late_qty
                from stock_movement where store_id = ? and id > ? group by product_id),
            open_tasks as (select distinct product_id from recount_task where stocktake_id = ? and store_id = ? and status = 'open')
       select p.id, p.sku, p.name, p.category, p.unit_cost_cents,
              coalesce(b.on_hand, 0) - coalesce(a.all_qty, 0) as book, coalesce(a.late_qty, 0) as late, c.qty as counted,
              (ot.product_id is not null) as recount_open, vr.reason
         from product p
         left join stock_balance b on b.product_id = p.id and b.store_id = ?
         left join after a on a.product_id = p.id
         left join counted c on c.product_id = p.id
         left join open_tasks ot on ot.product_id = p.id
         left join variance_reason vr on vr.stocktake_id = ? and vr.store_id = ? and vr.product_id = p.id
        where ${f.sql} ${zonesOnly ? 'and c.qty is not null' : ''}
        order by p.sku`,
      [st.id, storeId, storeId, snapshotMovementId, st.id, storeId, storeId, st.id, storeId, ...f.params],
    );
    return rows.map((r) => {
      const expected = r.book + r.late;
      const counted = r.counted ?? 0;
      const v = variance({ expected, counted, unitCostCents: r.unit_cost_cents }, st.thresholds);
      return {
        productId: r.id, sku: r.sku, name: r.name, category: r.category, unitCostCents: r.unit_cost_cents,
        book: r.book, lateSales: r.late, expected, counted, variance: v.variance, varianceValueCents: v.varianceValueCents,
        overThreshold: v.overThreshold, uncounted: r.counted === null, recountOpen: r.recount_open, reason: r.reason,
      };
    });
  }
}
