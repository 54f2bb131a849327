import type { EntityManager } from '@mikro-orm/postgresql';
import type { LowStockAlertDto } from '@stockfleet/shared';
import { sql } from '../common/sql.js';

/** One alert that a transaction raised or cleared; the notifier loads and pushes it after commit. */
export interface AlertChange {
  change: 'raised' | 'cleared';
  id: string;
  storeId: string;
  productId: string;
}

/**
 * Raise and clear in one statement over the balances selected by `touched` (columns store_id,
 * product_id, on_hand, threshold). The two conditions exclude each other, so one statement never
 * both clears and raises the same pair. The insert goes through the partial unique index (one open
 * alert per store × product): a balance already below its threshold raises nothing again, and of
 * two transactions racing past the threshold only one inserts. Threshold 0 means "no alert", so
 * it clears an open one.
 */
const evaluate = (touched: string) => `
  with t as (${touched}),
  cleared as (
    update low_stock_alert a set cleared_at = now(), on_hand_at_clear = t.on_hand
      from t
     where a.store_id = t.store_id and a.product_id = t.product_id and a.cleared_at is null
       and (t.threshold <= 0 or t.on_hand >= t.threshold)
    returning a.id, a.store_id, a.product_id),
  raised as (
    insert into low_stock_alert (id, store_id, product_id, threshold, on_hand_at_raise, raised_at)
    select gen_random_uuid(), store_id, product_id, threshold, on_hand, now() from t
     where threshold > 0 and on_hand < threshold
    on conflict (store_id, product_id) where cleared_at is null do nothing
    returning id, store_id, product_id)
  select 'cleared' as change, id, store_id, product_id from cleared
  union all
  select 'raised' as change, id, store_id, product_id from raised`;

const toChanges = (rows: Array<{ change: AlertChange['change']; id: string; store_id: string; product_id: string }>): AlertChange[] =>
  rows.map((r) => ({ change: r.change, id: r.id, storeId: r.store_id, productId: r.product_id }));

/**
 * Re-evaluates the given store × product balances, inside the caller's transaction and after it has
 * written them (the ledger's hot path: one statement, a handful of rows). The caller holds the
 * balance rows' locks, so a concurrent post of the same pair sees this one's result when it runs.
 */
export async function evaluateBalances(em: EntityManager, pairs: Array<{ storeId: string; productId: string }>): Promise<AlertChange[]> {
  if (!pairs.length) return [];
  const rows = await sql<any[]>(
    em,
    evaluate(`select b.store_id, b.product_id, b.on_hand, p.low_stock_threshold as threshold
                from unnest(?::uuid[], ?::uuid[]) as x(store_id, product_id)
                join stock_balance b on b.store_id = x.store_id and b.product_id = x.product_id
                join product p on p.id = b.product_id`),
    [`{${pairs.map((p) => p.storeId).join(',')}}`, `{${pairs.map((p) => p.productId).join(',')}}`],
  );
  return toChanges(rows);
}

/**
 * Re-evaluates every balance of these products after their thresholds changed, inside the caller's
 * transaction. The balance rows are locked first, in the ledger's (store, product) order: a sale in
 * flight finishes before we read its balance, and a sale that comes later waits for our commit and
 * then evaluates against the new threshold; otherwise each side could miss the other's change.
 * (The product API's row lock on the product already has that effect; a CSV import's upsert does not.)
 */
export async function evaluateProducts(em: EntityManager, productIds: string[]): Promise<AlertChange[]> {
  if (!productIds.length) return [];
  const ids = `{${[...new Set(productIds)].join(',')}}`;
  await sql(em, `select 1 from stock_balance where product_id = any(?::uuid[]) order by store_id, product_id for update`, [ids]);
  const rows = await sql<any[]>(
    em,
    evaluate(`select b.store_id, b.product_id, b.on_hand, p.low_stock_threshold as threshold
                from stock_balance b join product p on p.id = b.product_id
               where b.product_id = any(?::uuid[])`),
    [ids],
  );
  return toChanges(rows);
}

const ALERT_SELECT = `
  select a.id, a.store_id, s.code as store_code, a.product_id, p.sku, p.name, a.threshold, a.on_hand_at_raise,
         coalesce(b.on_hand, 0) as on_hand, a.raised_at, a.cleared_at
    from low_stock_alert a
    join store s on s.id = a.store_id
    join product p on p.id = a.product_id
    left join stock_balance b on b.store_id = a.store_id and b.product_id = a.product_id`;

export function mapAlertRow(r: any): LowStockAlertDto {
  return {
    id: r.id,
    storeId: r.store_id,
    storeCode: r.store_code,
    productId: r.product_id,
    sku: r.sku,
    name: r.name,
    threshold: r.threshold,
    onHandAtRaise: r.on_hand_at_raise,
    onHand: r.on_hand,
    raisedAt: new Date(r.raised_at).toISOString(),
    clearedAt: r.cleared_at ? new Date(r.cleared_at).toISOString() : null,
  };
}

export async function alertsById(em: EntityManager, ids: string[]): Promise<LowStockAlertDto[]> {
  if (!ids.length) return [];
  const rows = await sql<any[]>(em, `${ALERT_SELECT} where a.id = any(?::uuid[])`, [`{${[...new Set(ids)].join(',')}}`]);
  return rows.map(mapAlertRow);
}

export interface AlertFilter {
  /** null: every store. */
  storeIds: string[] | null;
  status: 'open' | 'cleared' | 'all';
  limit: number;
}

/** Newest first: open alerts by when they were raised, cleared ones by when they were cleared. */
export async function listAlerts(em: EntityManager, f: AlertFilter): Promise<{ items: LowStockAlertDto[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.storeIds) {
    where.push('a.store_id = any(?::uuid[])');
    params.push(`{${f.storeIds.join(',')}}`);
  }
  if (f.status === 'open') where.push('a.cleared_at is null');
  if (f.status === 'cleared') where.push('a.cleared_at is not null');
  const w = where.length ? `where ${where.join(' and ')}` : '';
  const order = f.status === 'cleared' ? 'a.cleared_at desc, a.id' : 'a.raised_at desc, a.id';
  const [{ total }] = await sql<{ total: number }[]>(em, `select count(*)::int as total from low_stock_alert a ${w}`, params);
  const rows = await sql<any[]>(em, `${ALERT_SELECT} ${w} order by ${order} limit ?`, [...params, f.limit]);
  return { items: rows.map(mapAlertRow), total };
}
