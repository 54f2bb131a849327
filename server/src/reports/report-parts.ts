import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../common/sql.js';

/**
 * How many detail rows one part of a chain report aims at. A part is a run of consecutive stores (in
 * store-code order) COPYed by one query into one file, so the consolidated CSV is still the parts joined
 * in order. Few large parts rather than one per store: each part's query reads the line table's pages
 * that hold its stores, and when a store's lines are spread over the table (lines written product by
 * product) a per-store part reads a page per row — at 500 stores the table ~45 times over. 2M rows is a
 * 5–10 s of COPY: what a crashed worker loses at most, and still several parts for several workers.
 */
export const CHAIN_PART_ROWS = 2_000_000;

export interface PartStore {
  store_id: string;
  code: string;
  /** The store's detail rows (products in scope); only used to size the parts. */
  lines: number | string | null;
}

export interface ReportPart {
  /** The part's first store: its job id, its report_part row and its file are named after it. */
  key: string;
  storeIds: string[];
  lines: number;
}

/**
 * Consecutive stores grouped into parts of about `partRows` rows. The same stores (a finished
 * stocktake's approved stores, in code order) and the same `partRows` always give the same parts, so the
 * hub that queues the flow and every worker that builds or joins a part agree without sharing more than
 * the report row. `partRows` ≤ 1 is one store per part (reports queued before parts were grouped).
 */
export function groupParts(stores: PartStore[], partRows: number): ReportPart[] {
  const parts: ReportPart[] = [];
  let cur: ReportPart | undefined;
  for (const s of stores) {
    if (!cur || cur.lines >= partRows) {
      cur = { key: s.store_id, storeIds: [], lines: 0 };
      parts.push(cur);
    }
    cur.storeIds.push(s.store_id);
    cur.lines += Math.max(1, Number(s.lines) || 0);
  }
  return parts;
}

/** A report's part size: recorded in its params when it is asked for (older reports: one store per part). */
export const partRowsOf = (params: Record<string, any> | null | undefined): number => {
  const n = Number(params?.partRows);
  return Number.isFinite(n) && n > 1 ? Math.floor(n) : 1;
};

/** The approved stores of a stocktake (or the one store of a store report), in store-code order. */
export function approvedStores(em: EntityManager, stocktakeId: string, storeId: string | null = null): Promise<PartStore[]> {
  return sql<PartStore[]>(
    em,
    `select ss.store_id, s.code, coalesce(ss.scope_products, 0) as lines from stocktake_store ss join store s on s.id = ss.store_id
      where ss.stocktake_id = ? and ss.status = 'approved' and (?::uuid is null or ss.store_id = ?::uuid) order by s.code`,
    [stocktakeId, storeId, storeId],
  );
}
