import type { BalanceDto, ProductDto, StoreDto } from '@stockfleet/shared';
import { stockApi } from '../api/endpoints';
import { mapLimit } from '../util/pool';

export interface StoreBalance {
  storeId: string;
  storeName: string;
  /** null when that store could not be read. */
  onHand: number | null;
  low: boolean;
}

/** Pick the product's row out of a store's balance search (the search may match other SKUs too). */
export function balanceFor(items: readonly BalanceDto[], productId: string): BalanceDto | undefined {
  return items.find((b) => b.productId === productId);
}

/**
 * One product's stock in every store the user can see.
 * The contract has no "balances of one product across stores" call, so this asks each store,
 * a few at a time. (A `GET /api/stock/balances?productId=` would make this one request.)
 */
export async function loadProductBalances(
  product: Pick<ProductDto, 'id' | 'sku' | 'lowStockThreshold'>,
  stores: readonly Pick<StoreDto, 'id' | 'name'>[],
  signal: AbortSignal,
): Promise<{ rows: StoreBalance[]; failed: number }> {
  let failed = 0;
  const rows = await mapLimit(stores, 4, async (s): Promise<StoreBalance> => {
    if (signal.aborted) throw new DOMException('aborted', 'AbortError');
    try {
      const page = await stockApi.balances({ storeId: s.id, q: product.sku, limit: 50 }, { signal });
      const b = balanceFor(page.items, product.id);
      const onHand = b?.onHand ?? 0;
      return { storeId: s.id, storeName: s.name, onHand, low: b ? b.low : onHand <= product.lowStockThreshold && product.lowStockThreshold > 0 };
    } catch (e) {
      if (signal.aborted) throw e;
      failed++;
      return { storeId: s.id, storeName: s.name, onHand: null, low: false };
    }
  });
  return { rows, failed };
}
