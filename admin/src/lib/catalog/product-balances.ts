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

/** The hub's rule (`BalanceDto.low`): below the threshold; so negative stock is low even at threshold 0. */
export function isLow(onHand: number, threshold: number): boolean {
  return onHand < threshold;
}

/** Pick the product's row out of a store's balance search (the search may match other SKUs too). */
export function balanceFor(items: readonly BalanceDto[], productId: string): BalanceDto | undefined {
  return items.find((b) => b.productId === productId);
}

/**
 * One row per visible store that has a balance for the product, in the stores' order. A store without a
 * balance row has never had a movement of it (it doesn't carry it): listing it as "0 · low" for every
 * store of the chain would drown the stores that matter, and the hub's low-stock list leaves it out too.
 */
export function rowsFromOnHand(list: readonly StoreOnHand[], stores: readonly StoreRef[], threshold: number): StoreBalance[] {
  const byStore = new Map(list.map((b) => [b.storeId, Number(b.onHand)] as const));
  return stores
    .filter((s) => byStore.has(s.id))
    .map((s) => {
      const onHand = byStore.get(s.id)!;
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
  const rows = await mapLimit(stores, 4, async (s): Promise<StoreBalance | null> => {
    if (signal.aborted) throw new DOMException('aborted', 'AbortError');
    try {
      const page = await stockApi.balances({ storeId: s.id, q: product.sku, limit: 50 }, { signal });
      const b = balanceFor(page.items, product.id);
      return b ? { storeId: s.id, storeName: s.name, onHand: b.onHand, low: b.low } : null;
    } catch (e) {
      if (signal.aborted) throw e;
      failed++;
      return { storeId: s.id, storeName: s.name, onHand: null, low: false };
    }
  });
  return { rows: rows.filter((r): r is StoreBalance => r !== null), failed };
}
