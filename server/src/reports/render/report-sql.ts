import { FORMULA_TRIGGERS } from '@stockfleet/shared';
import { uuidLiteral } from './pg-raw.js';

// The triggers by code point: `ascii()` of a UTF-8 text is its first character's code point (0 when
// empty). Measured on COPY of 2M rows × 7 text columns: +0.3 s this way, +2.2 s with `left(x, 1) in (…)`.
const TRIGGER_CODES_SQL = FORMULA_TRIGGERS.map((c) => c.codePointAt(0)).join(', ');

/**
 * The formula-neutralising rule of shared's `neutraliseFormula` as a SQL expression over a text
 * expression, for text that leaves PostgreSQL as CSV by COPY without passing through TypeScript. Built
 * from the same trigger list and checked against the same cases; null stays null. Only for text
 * columns: numbers stay numbers.
 */
export function formulaSafe(textExpr: string): string {
  return `(case when ascii(${textExpr}) in (${TRIGGER_CODES_SQL}) then '''' || ${textExpr} else ${textExpr} end)`;
}

/**
 * The detail of a variance report: one row per store × product, exactly as frozen at approval.
 * Money is in currency units with two decimals; quantity deltas are signed (−3 = three sold).
 * The consolidated CSV is this query for every store, in store-code order: the same bytes as one COPY of it.
 */
export const DETAIL_COLUMNS = [
  'store_code', 'store_name', 'region', 'sku', 'product', 'category', 'unit_cost', 'book_at_snapshot',
  'late_sales_delta', 'during_freeze_delta', 'expected', 'counted', 'uncounted', 'variance', 'variance_value',
  'over_threshold', 'recount_rounds', 'reason', 'posted',
] as const;

/** Numeric columns of the detail (XLSX writes them as numbers). */
export const DETAIL_NUMERIC = new Set(['unit_cost', 'book_at_snapshot', 'late_sales_delta', 'during_freeze_delta', 'expected', 'counted', 'variance', 'variance_value', 'recount_rounds']);
export const DETAIL_BOOLEAN = new Set(['uncounted', 'over_threshold', 'posted']);

// Text columns go out formula-safe (the CSV is this query's COPY, the XLSX detail is read from it); the
// numeric and boolean columns are written as PostgreSQL prints them.
const DETAIL_SELECT = `
  select ${formulaSafe('s.code')} as store_code, ${formulaSafe('s.name')} as store_name, ${formulaSafe("coalesce(r.name, '')")} as region,
         ${formulaSafe('l.sku')} as sku, ${formulaSafe('l.name')} as product, ${formulaSafe('l.category')} as category,
         (l.unit_cost_cents::numeric / 100)::numeric(14,2) as unit_cost, l.book as book_at_snapshot,
         l.late_sales as late_sales_delta, l.sold_during_freeze as during_freeze_delta, l.expected, l.counted, l.uncounted::text as uncounted,
         l.variance, (l.variance_value_cents::numeric / 100)::numeric(16,2) as variance_value, l.over_threshold::text as over_threshold, l.recount_rounds,
         ${formulaSafe("coalesce(l.reason, '')")} as reason, l.posted::text as posted
    from stocktake_line l join store s on s.id = l.store_id left join region r on r.id = s.region_id`;

export function storeDetailQuery(stocktakeId: string, storeId: string): string {
  return `${DETAIL_SELECT} where l.stocktake_id = ${uuidLiteral(stocktakeId)} and l.store_id = ${uuidLiteral(storeId)} order by l.sku`;
}

/**
 * The detail of a run of stores (a chain report's part), in the chain query's order: the parts of
 * consecutive stores, joined in store-code order, are byte for byte one COPY of the chain query.
 */
export function partDetailQuery(stocktakeId: string, storeIds: string[]): string {
  if (!storeIds.length) throw new Error('a part has at least one store');
  return `${DETAIL_SELECT} where l.stocktake_id = ${uuidLiteral(stocktakeId)} and l.store_id = any(array[${storeIds.map(uuidLiteral).join(',')}])
   order by s.code, l.sku`;
}

/**
 * Planner settings for a part's COPY. The planner costs an index scan by the correlation of the index's
 * first column only: for the line table's primary key that is the stocktake, perfectly correlated when
 * the table holds one stocktake, so it takes an index scan over (stocktake, store) for sequential reads.
 * When a store's lines are spread over the table (written product by product, as the benchmark's are)
 * that scan reads one heap page per row in random order: 0.24 s for a 20,000-line store, 2 minutes for
 * 500 stores where one COPY of the chain query takes 30 s. Without plain index scans the part reads
 * each page once: a bitmap heap scan in page order, or a sequential scan when the part is most of the
 * table (measured: 10M rows in 5 parts of 2M, two at a time, 24 s).
 */
export const PART_COPY_SETTINGS: Readonly<Record<string, string>> = { enable_indexscan: 'off' };

/** The whole chain's detail in one query: what the benchmark's plain COPY runs. */
export function chainDetailQuery(stocktakeId: string): string {
  return `${DETAIL_SELECT} where l.stocktake_id = ${uuidLiteral(stocktakeId)} order by s.code, l.sku`;
}

const SUMMARY_MEASURES = `
  count(l.product_id)::bigint as lines,
  (count(l.product_id) filter (where not l.uncounted))::bigint as counted_lines,
  (count(l.product_id) filter (where l.uncounted))::bigint as uncounted_lines,
  (count(l.product_id) filter (where l.over_threshold))::bigint as over_threshold,
  coalesce(sum(l.expected::bigint * l.unit_cost_cents), 0)::bigint as expected_value_cents,
  coalesce(sum(l.counted::bigint * l.unit_cost_cents), 0)::bigint as counted_value_cents,
  coalesce(sum(l.variance_value_cents), 0)::bigint as net_variance_cents,
  coalesce(-sum(l.variance_value_cents) filter (where l.variance_value_cents < 0), 0)::bigint as shrinkage_cents,
  coalesce(sum(l.variance_value_cents) filter (where l.variance_value_cents > 0), 0)::bigint as surplus_cents,
  coalesce(sum(l.late_sales), 0)::bigint as late_sales_delta,
  coalesce(sum(l.sold_during_freeze), 0)::bigint as during_freeze_delta`;

/** Per store (cancelled stores included with no lines), per region, per category, and the total. */
export const SUMMARY_BY_STORE = `
  select s.code as key, s.name as label, coalesce(r.name, '') as region, ss.status, ss.approved_at, ss.approved_by, ${SUMMARY_MEASURES}
    from stocktake_store ss join store s on s.id = ss.store_id left join region r on r.id = s.region_id
    left join stocktake_line l on l.stocktake_id = ss.stocktake_id and l.store_id = ss.store_id
   where ss.stocktake_id = ? and (?::uuid is null or ss.store_id = ?::uuid)
   group by s.code, s.name, r.name, ss.status, ss.approved_at, ss.approved_by order by s.code`;

export const SUMMARY_BY_REGION = `
  select coalesce(r.name, '') as key, coalesce(r.name, '') as label, count(distinct l.store_id)::int as stores, ${SUMMARY_MEASURES}
    from stocktake_line l join store s on s.id = l.store_id left join region r on r.id = s.region_id
   where l.stocktake_id = ? and (?::uuid is null or l.store_id = ?::uuid)
   group by r.name order by 1`;

export const SUMMARY_BY_CATEGORY = `
  select l.category as key, l.category as label, count(distinct l.store_id)::int as stores, ${SUMMARY_MEASURES}
    from stocktake_line l
   where l.stocktake_id = ? and (?::uuid is null or l.store_id = ?::uuid)
   group by l.category order by 1`;

export const SUMMARY_TOTAL = `
  select ${SUMMARY_MEASURES} from stocktake_line l where l.stocktake_id = ? and (?::uuid is null or l.store_id = ?::uuid)`;

/** Movements recorded after each store's snapshot and accounted for at approval: late sales and sales during the freeze. */
export const LATE_MOVEMENTS = `
  select s.code as store_code, m.id::text as movement_id, m.kind, p.sku, p.name as product, m.quantity, m.occurred_at, m.recorded_at, m.source,
         case when m.occurred_at >= ss.freeze_at then 'during_freeze' else 'before_freeze' end as timing
    from stocktake_store ss join store s on s.id = ss.store_id
    join stock_movement m on m.store_id = ss.store_id and m.id > ss.snapshot_movement_id and m.id <= ss.closed_movement_id and m.kind <> 'stocktake'
    join product p on p.id = m.product_id
   where ss.stocktake_id = $1 and ss.status = 'approved' and ($2::uuid is null or ss.store_id = $2::uuid)
   order by s.code, m.id`;

export const RECOUNTS = `
  select s.code as store_code, p.sku, p.name as product, coalesce(z.code, '') as zone, t.round, t.status, coalesce(t.requested_by, '') as requested_by, t.created_at,
         (select coalesce(sum(e.quantity), 0)::int from count_entry e where e.stocktake_id = t.stocktake_id and e.store_id = t.store_id
             and e.product_id = t.product_id and e.round = t.round) as counted_in_round
    from recount_task t join store s on s.id = t.store_id join product p on p.id = t.product_id left join zone z on z.id = t.zone_id
   where t.stocktake_id = $1 and ($2::uuid is null or t.store_id = $2::uuid)
   order by s.code, p.sku, t.round`;

export const UNCOUNTED = `
  select s.code as store_code, l.sku, l.name as product, l.category, l.expected, (l.variance_value_cents::numeric / 100)::numeric(16,2) as variance_value, l.posted
    from stocktake_line l join store s on s.id = l.store_id
   where l.stocktake_id = $1 and l.uncounted and ($2::uuid is null or l.store_id = $2::uuid)
   order by s.code, l.sku`;

export const FORCED_TILLS = `
  select s.code as store_code, f.id as terminal_id, coalesce(t.name, '') as till, f.reason, f.by
    from stocktake_store ss join store s on s.id = ss.store_id
    cross join lateral jsonb_to_recordset(ss.forced) as f(id uuid, reason text, by text)
    left join terminal t on t.id = f.id
   where ss.stocktake_id = ? and (?::uuid is null or ss.store_id = ?::uuid)
   order by s.code, t.name`;

/**
 * Slow movers as of a ledger watermark (fixed when the report is asked for, so a rebuild is the same file):
 * units sold per store × product over the window, at most `maxUnits`, with the stock on the shelf then.
 * $1 window start, $2 watermark movement id, $3 store ids (null = all), $4 max units.
 */
export const SLOW_MOVERS = `
  with sold as (
    select store_id, product_id, (-sum(quantity))::bigint as units
      from stock_movement where kind in ('sale', 'return') and occurred_at >= $1::timestamptz and id <= $2::bigint
       and ($3::uuid[] is null or store_id = any($3::uuid[]))
     group by store_id, product_id),
  after as (
    select store_id, product_id, sum(quantity)::bigint as qty from stock_movement where id > $2::bigint
       and ($3::uuid[] is null or store_id = any($3::uuid[]))
     group by store_id, product_id),
  last_sale as (
    select store_id, product_id, max(occurred_at) as at from stock_movement where kind = 'sale' and id <= $2::bigint
       and ($3::uuid[] is null or store_id = any($3::uuid[]))
     group by store_id, product_id),
  stock as (
    select b.store_id, b.product_id, (b.on_hand - coalesce(a.qty, 0))::bigint as on_hand
      from stock_balance b left join after a on a.store_id = b.store_id and a.product_id = b.product_id
     where ($3::uuid[] is null or b.store_id = any($3::uuid[])))
  select ${formulaSafe('s.code')} as store_code, ${formulaSafe('s.name')} as store_name, ${formulaSafe('p.sku')} as sku,
         ${formulaSafe('p.name')} as product, ${formulaSafe('p.category')} as category, st.on_hand,
         (p.unit_cost_cents::numeric / 100)::numeric(14,2) as unit_cost,
         ((st.on_hand * p.unit_cost_cents)::numeric / 100)::numeric(16,2) as stock_value,
         coalesce(sold.units, 0) as units_sold, ls.at as last_sold_at
    from stock st join store s on s.id = st.store_id join product p on p.id = st.product_id
    left join sold on sold.store_id = st.store_id and sold.product_id = st.product_id
    left join last_sale ls on ls.store_id = st.store_id and ls.product_id = st.product_id
   where st.on_hand > 0 and coalesce(sold.units, 0) <= $4
   order by s.code, (st.on_hand * p.unit_cost_cents) desc, p.sku`;
