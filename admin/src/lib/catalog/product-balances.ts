import { ErrorCode, type BalanceDto, type ProductDto, type StoreDto } from '@stockfleet/shared';
import { toApiError } from '../api/api-error';
import { catalogApi, stockApi, type StoreOnHand } from '../api/endpoints';
import { mapLimit } from '../util/pool';

export interface StoreBalance {
  storeId: string;
  storeName: string;
  /** null when that store could not be read. */
  onHand: number | null;
  low: boolean;
}

type ProductRef = Pick<ProductDto, 'id' | 'sku' | 'lowStockThreshold'>;
type StoreRef = Pick<StoreDto, 'id' | 'name'>;

function isLow(onHand: number, threshold: number): boolean {
  return threshold > 0 && onHand <= threshold;
}

/** Pick the product's row out of a store's balance search (the search may match other SKUs too). */
export function balanceFor(items: readonly BalanceDto[], productId: string): BalanceDto | undefined {
  return items.find((b) => b.productId === productId);
}

/** One row per visible store, in the stores' order; a store with no balance row holds 0. */
export function rowsFromOnHand(list: readonly StoreOnHand[], stores: readonly StoreRef[], threshold: number): StoreBalance[] {
  const byStore = new Map(list.map((b) => [b.storeId, Number(b.onHand)] as const));
  return stores.map((s) => {
    const onHand = byStore.get(s.id) ?? 0;
    return { storeId: s.id, storeName: s.name, onHand, low: isLow(onHand, threshold) };
  });
}

/**
 * One product's stock in every store the user can see: one call to the hub's
 * `GET /api/products/:id/balances`; against a hub without that route, one balances search per store.
 */
export async function loadProductBalances(product: ProductRef, stores: readonly StoreRef[], signal: AbortSignal): Promise<{ rows: StoreBalance[]; failed: number }> {
  try {
    const list = await catalogApi.balances(product.id, { signal });
    return { rows: rowsFromOnHand(list, stores, product.lowStockThreshold), failed: 0 };
  } catch (e) {
    if (toApiError(e).code !== ErrorCode.NotFound) throw e;
  }
  let failed = 0;
  const rows = await mapLimit(stores, 4, async (s): Promise<StoreBalance> => {
    if (signal.aborted) throw new DOMException('aborted', 'AbortError');
    try {
      const page = await stockApi.balances({ storeId: s.id, q: product.sku, limit: 50 }, { signal });
      const b = balanceFor(page.items, product.id);
      const onHand = b?.onHand ?? 0;
      return { storeId: s.id, storeName: s.name, onHand, low: b ? b.low : isLow(onHand, product.lowStockThreshold) };
    } catch (e) {
      if (signal.aborted) throw e;
      failed++;
      return { storeId: s.id, storeName: s.name, onHand: null, low: false };
    }
  });
  return { rows, failed };
}
