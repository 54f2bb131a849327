import type { BalanceDto, Page } from '@stockfleet/shared';

export interface LowStockRow extends BalanceDto {
  shortfall: number;
}

export function shortfall(b: Pick<BalanceDto, 'onHand' | 'lowStockThreshold'>): number {
  return Math.max(0, b.lowStockThreshold - b.onHand);
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Merge per-store low-stock pages into one list: the biggest shortfall first (what to reorder
 * first), then by store and SKU so equal rows keep a stable order.
 */
export function mergeLowStock(
  pages: ReadonlyArray<Page<BalanceDto> | null>,
  storeName: (id: string) => string,
): { rows: LowStockRow[]; truncatedStores: number; failedStores: number } {
  const rows: LowStockRow[] = [];
  let truncatedStores = 0;
  let failedStores = 0;
  for (const p of pages) {
    if (!p) {
      failedStores++;
      continue;
    }
    if (p.total > p.items.length) truncatedStores++;
    for (const b of p.items) rows.push({ ...b, shortfall: shortfall(b) });
  }
  rows.sort(
    (a, b) =>
      b.shortfall - a.shortfall ||
      collator.compare(storeName(a.storeId), storeName(b.storeId)) ||
      collator.compare(a.sku, b.sku),
  );
  return { rows, truncatedStores, failedStores };
}
