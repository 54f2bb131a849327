import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { AbcSettings, CountPlanDto, CountPlanInput, CountPlanRunDto } from '@stockfleet/shared';
import { sql } from '../common/sql.js';
import type { AbcInput } from './abc.js';

const iso = (v: string | Date | null | undefined) => (v ? new Date(v).toISOString() : null);
const arr = (ids: string[]) => `{${ids.join(',')}}`;

export interface PlanRow {
  id: string;
  name: string;
  enabled: boolean;
  cadence: 'daily' | 'weekly' | 'monthly';
  time_of_day: string;
  timezone: string;
  weekday: number | null;
  day_of_month: number | null;
  store_ids: string[];
  method: 'full' | 'abc';
  abc: AbcSettings;
  blind: boolean;
  auto_start: boolean;
  created_by: string | null;
  created_by_name: string | null;
  created_at: Date;
  updated_at: Date;
  last_run_at: Date | null;
  last_stocktake_id: string | null;
}

export interface RunRow {
  plan_id: string;
  run_key: string;
  ran_at: Date;
  stocktake_id: string | null;
  products: number;
  classes: { A: number; B: number; C: number } | null;
  note: string | null;
}

/** All SQL of count plans. */
@Injectable()
export class PlansRepository {
  async insert(em: EntityManager, id: string, p: CountPlanInput, by: { id: string; name: string }) {
    await sql(
      em,
      `insert into count_plan (id, name, enabled, cadence, time_of_day, timezone, weekday, day_of_month, store_ids, method, abc, blind, auto_start, created_by, created_by_name)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?)`,
      [id, p.name, p.enabled, p.cadence, p.timeOfDay, p.timezone, p.weekday, p.dayOfMonth, JSON.stringify(p.storeIds), p.method, JSON.stringify(p.abc), p.blind, p.autoStart, by.id, by.name],
    );
  }

  async update(em: EntityManager, id: string, p: CountPlanInput) {
    await sql(
      em,
      `update count_plan set name = ?, enabled = ?, cadence = ?, time_of_day = ?, timezone = ?, weekday = ?, day_of_month = ?, store_ids = ?::jsonb,
              method = ?, abc = ?::jsonb, blind = ?, auto_start = ?, updated_at = now()
        where id = ?`,
      [p.name, p.enabled, p.cadence, p.timeOfDay, p.timezone, p.weekday, p.dayOfMonth, JSON.stringify(p.storeIds), p.method, JSON.stringify(p.abc), p.blind, p.autoStart, id],
    );
  }

  async delete(em: EntityManager, id: string) {
    await sql(em, `delete from count_plan_run where plan_id = ?`, [id]);
    await sql(em, `delete from count_plan where id = ?`, [id]);
  }

  async get(em: EntityManager, id: string, lock = false): Promise<PlanRow | undefined> {
    const [row] = await sql<PlanRow[]>(em, `select * from count_plan where id = ?${lock ? ' for update' : ''}`, [id]);
    return row;
  }

  /** Plans a reader may see: null scope = all; otherwise only plans whose stores are all in the scope. */
  async list(em: EntityManager, scope: string[] | null): Promise<PlanRow[]> {
    if (scope) return sql<PlanRow[]>(em, `select * from count_plan where store_ids <@ ?::jsonb order by name, id`, [JSON.stringify(scope)]);
    return sql<PlanRow[]>(em, `select * from count_plan order by name, id`);
  }

  async enabledPlans(em: EntityManager): Promise<PlanRow[]> {
    return sql<PlanRow[]>(em, `select * from count_plan where enabled order by id`);
  }

  async knownStores(em: EntityManager, storeIds: string[]): Promise<string[]> {
    const rows = await sql<Array<{ id: string }>>(em, `select id from store where id = any(?::uuid[])`, [arr(storeIds)]);
    return rows.map((r) => r.id);
  }

  /** Claims one firing. False when the key was claimed before: a retried or duplicated firing does nothing. */
  async claimRun(em: EntityManager, planId: string, runKey: string, note: string): Promise<boolean> {
    const rows = await sql<any[]>(em, `insert into count_plan_run (plan_id, run_key, note) values (?, ?, ?) on conflict do nothing returning run_key`, [planId, runKey, note]);
    return rows.length > 0;
  }

  async finishRun(em: EntityManager, r: { planId: string; runKey: string; stocktakeId: string | null; products: number; classes: RunRow['classes']; note: string | null }) {
    await sql(em, `update count_plan_run set stocktake_id = ?, products = ?, classes = ?::jsonb, note = ? where plan_id = ? and run_key = ?`,
      [r.stocktakeId, r.products, r.classes === null ? null : JSON.stringify(r.classes), r.note, r.planId, r.runKey]);
    await sql(em, `update count_plan set last_run_at = now(), last_stocktake_id = coalesce(?, last_stocktake_id) where id = ?`, [r.stocktakeId, r.planId]);
  }

  async runs(em: EntityManager, planId: string, limit: number): Promise<RunRow[]> {
    return sql<RunRow[]>(em, `select * from count_plan_run where plan_id = ? order by ran_at desc, run_key desc limit ?`, [planId, limit]);
  }

  async productCount(em: EntityManager): Promise<number> {
    const [row] = await sql<any[]>(em, `select count(*)::int as n from product`);
    return row.n;
  }

  /**
   * The products the stores carry (a balance row in one of them), with what they moved since `from`
   * (sales net of returns, × today's unit cost) and when they were last counted. A product counts as
   * counted in a store when an approved, real (not practice) count of the store covered it: counted, or
   * left uncounted in a full count (set to zero — a finding too). Over several stores the oldest of the
   * stores' last counts applies, and a store that never counted the product makes it never counted.
   */
  async abcInputs(em: EntityManager, storeIds: string[], from: Date): Promise<AbcInput[]> {
    const rows = await sql<any[]>(
      em,
      `with carried as (
              select store_id, product_id from stock_balance where store_id = any(?::uuid[])),
            sold as (
              select product_id, (-sum(quantity))::bigint as units from stock_movement
               where store_id = any(?::uuid[]) and kind in ('sale', 'return') and occurred_at >= ?::timestamptz
               group by product_id),
            counted as (
              select l.store_id, l.product_id, max(ss.approved_at) as at
                from stocktake_store ss
                join stocktake s on s.id = ss.stocktake_id
                join stocktake_line l on l.stocktake_id = ss.stocktake_id and l.store_id = ss.store_id
               where ss.store_id = any(?::uuid[]) and ss.status = 'approved' and not s.practice
                 and (not l.uncounted or s.scope->'filter'->>'kind' = 'full')
               group by l.store_id, l.product_id),
            last as (
              select c.product_id, case when bool_or(k.at is null) then null else min(k.at) end as at
                from carried c left join counted k on k.store_id = c.store_id and k.product_id = c.product_id
               group by c.product_id)
       select p.id, p.sku, p.name, p.unit_cost_cents, greatest(coalesce(sold.units, 0), 0)::bigint as units, last.at as last_counted_at
         from last join product p on p.id = last.product_id
         left join sold on sold.product_id = p.id
        order by p.sku`,
      [arr(storeIds), arr(storeIds), from.toISOString(), arr(storeIds)],
    );
    return rows.map((r) => ({
      productId: r.id,
      sku: r.sku,
      name: r.name,
      unitsSold: Number(r.units),
      valueCents: Number(r.units) * Number(r.unit_cost_cents),
      lastCountedAt: r.last_counted_at ? new Date(r.last_counted_at) : null,
    }));
  }
}

export function mapPlan(r: PlanRow, nextRunAt: Date | null): CountPlanDto {
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    cadence: r.cadence,
    timeOfDay: r.time_of_day,
    timezone: r.timezone,
    weekday: r.weekday,
    dayOfMonth: r.day_of_month,
    storeIds: r.store_ids,
    method: r.method,
    abc: r.abc,
    blind: r.blind,
    autoStart: r.auto_start,
    createdBy: r.created_by_name,
    createdAt: iso(r.created_at)!,
    nextRunAt: r.enabled ? iso(nextRunAt) : null,
    lastRunAt: iso(r.last_run_at),
    lastStocktakeId: r.last_stocktake_id,
  };
}

export function mapRun(r: RunRow): CountPlanRunDto {
  return {
    planId: r.plan_id,
    runKey: r.run_key,
    ranAt: iso(r.ran_at)!,
    stocktakeId: r.stocktake_id,
    products: r.products,
    classes: r.classes,
    note: r.note,
  };
}
