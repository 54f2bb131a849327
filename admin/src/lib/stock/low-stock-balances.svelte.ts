import type { BalanceDto, Page, StoreDto } from '@stockfleet/shared';
import { toApiError } from '$lib/api/api-error';
import { stockApi } from '$lib/api/endpoints';
import { Loader } from '$lib/state/loader.svelte';
import { throttle } from '$lib/stocktake/stocktake-view';
import { mapLimit } from '$lib/util/pool';

/** Per store; the balances contract needs a storeId, so "all stores" asks each store (4 at a time). */
export const PER_STORE = 200;
const REFRESH_MS = 1000;

/** The low page of each store in view; null where that store failed to load. */
export type LowStockPages = ReadonlyMap<string, Page<BalanceDto> | null>;

/**
 * Balances below their threshold right now, store by store. A live alert of a store refreshes that
 * store's page only (throttled), never the whole chain.
 */
export class LowStockBalances {
  readonly loader = new Loader<LowStockPages>();
  #pending = new Set<string>();
  readonly #flush = throttle(() => void this.#refreshPending(), REFRESH_MS);

  load(stores: readonly StoreDto[]): Promise<void> {
    return this.loader.run(async (signal) => {
      let lastError: unknown = null;
      const pages = await mapLimit(stores, 4, async (s) => {
        try {
          return await stockApi.balances({ storeId: s.id, lowOnly: true, limit: PER_STORE }, { signal });
        } catch (e) {
          if (signal.aborted) throw e;
          lastError = e;
          return null;
        }
      });
      // Every store failed: that is an error, not an empty list.
      if (stores.length > 0 && pages.every((p) => p === null)) throw toApiError(lastError);
      return new Map(stores.map((s, i) => [s.id, pages[i]]));
    });
  }

  retry(): void {
    this.loader.retry();
  }

  /** A store's stock crossed a threshold: refresh its page soon. */
  storeChanged(storeId: string): void {
    if (!this.loader.data?.has(storeId)) return;
    this.#pending.add(storeId);
    this.#flush();
  }

  stop(): void {
    this.#flush.cancel();
    this.#pending.clear();
    this.loader.abort();
  }

  async #refreshPending(): Promise<void> {
    const ids = [...this.#pending];
    this.#pending.clear();
    await mapLimit(ids, 4, async (id) => {
      try {
        const page = await stockApi.balances({ storeId: id, lowOnly: true, limit: PER_STORE });
        const current = this.loader.data;
        // A full load in flight (another store filter, a retry) answers for itself.
        if (!current?.has(id) || this.loader.loading) return;
        this.loader.data = new Map(current).set(id, page);
      } catch {
        // Keep what is on screen; the refresh button or the next change tries again.
      }
    });
  }
}
