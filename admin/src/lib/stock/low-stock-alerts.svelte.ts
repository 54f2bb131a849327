import type { LowStockAlertDto, Page } from '@stockfleet/shared';
import { http } from '$lib/api/client';
import { toQuery } from '$lib/api/query';
import { onLowStockAlert, type LowStockAlertEvent } from '$lib/realtime/admin-socket';
import type { Fleet } from '$lib/state/fleet.svelte';
import { Loader } from '$lib/state/loader.svelte';
import { throttle } from '$lib/stocktake/stocktake-view';
import { applyAlertEvent, type AlertView } from './low-stock-alerts';

type Sig = { signal?: AbortSignal };

export const alertsApi = {
  lowStock: (q: { storeId?: string | null; status?: AlertView['status']; limit?: number }, o: Sig = {}) =>
    http.get<Page<LowStockAlertDto>>(`/api/alerts/low-stock${toQuery({ storeId: q.storeId, status: q.status, limit: q.limit })}`, o),
};

const REFETCH_MS = 1000;
const HIGHLIGHT_MS = 4000;

/**
 * The alert list of the low-stock page, kept live: one fetch, then each `alert.low_stock.v1` is
 * merged in place (newest first); a full refetch on every reconnect, since missed pushes are not replayed.
 */
export class LowStockAlertList {
  readonly loader = new Loader<Page<LowStockAlertDto>>();
  /** Ids that arrived or changed live, for a brief highlight. */
  fresh = $state.raw<ReadonlySet<string>>(new Set());
  /** Stores whose alerts changed live (the page refreshes their balances). */
  onStoreChanged: ((storeId: string) => void) | null = null;

  #view: AlertView = { storeId: null, status: 'open', limit: 200 };
  #off: Array<() => void> = [];
  #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #refetch = throttle(() => void this.load(), REFETCH_MS);

  constructor(private readonly fleet: Fleet) {}

  get items(): LowStockAlertDto[] {
    return this.loader.data?.items ?? [];
  }

  setView(v: AlertView): void {
    this.#view = v;
    void this.load();
  }

  load(): Promise<void> {
    const v = this.#view;
    return this.loader.run((signal) => alertsApi.lowStock({ storeId: v.storeId, status: v.status, limit: v.limit }, { signal }));
  }

  start(): void {
    this.#off.push(
      onLowStockAlert((e) => this.#apply(e)),
      this.fleet.onConnect(() => this.#refetch()),
    );
  }

  stop(): void {
    this.#off.forEach((f) => f());
    this.#off = [];
    this.#refetch.cancel();
    this.#timers.forEach(clearTimeout);
    this.#timers.clear();
    this.loader.abort();
  }

  #apply(e: LowStockAlertEvent): void {
    if (this.#view.storeId && this.#view.storeId !== e.alert.storeId) return;
    this.onStoreChanged?.(e.alert.storeId);
    const page = this.loader.data;
    // Not loaded yet, or a fetch is on its way: its answer includes this change.
    if (!page || this.loader.loading) {
      this.#refetch();
      return;
    }
    const r = applyAlertEvent(page.items, e, this.#view);
    if (!r.changed) return;
    // A cut-off list may hold the alert further down than we can see: ask the hub.
    if (page.total > page.items.length) this.#refetch();
    this.loader.data = { ...page, items: r.list, total: Math.max(0, page.total + r.totalDelta) };
    this.#flash(e.alert.id);
  }

  #flash(id: string): void {
    this.fresh = new Set([...this.fresh, id]);
    const t = setTimeout(() => {
      this.#timers.delete(t);
      const next = new Set(this.fresh);
      next.delete(id);
      this.fresh = next;
    }, HIGHLIGHT_MS);
    this.#timers.add(t);
  }
}

/** The number of open alerts in the user's stores, for the navigation badge: refetched (throttled) on each push and reconnect. */
export class OpenAlertCount {
  count = $state<number | null>(null);
  #off: Array<() => void> = [];
  #seq = 0;
  readonly #refetch = throttle(() => void this.load(), REFETCH_MS);

  constructor(private readonly fleet: Fleet) {}

  async load(): Promise<void> {
    const seq = ++this.#seq;
    try {
      const page = await alertsApi.lowStock({ status: 'open', limit: 1 });
      if (seq === this.#seq) this.count = page.total;
    } catch {
      // A badge is a hint: keep the last number; the next push or reconnect tries again.
    }
  }

  start(): void {
    this.#off.push(
      onLowStockAlert(() => this.#refetch()),
      this.fleet.onConnect(() => this.#refetch()),
    );
    void this.load();
  }

  stop(): void {
    this.#off.forEach((f) => f());
    this.#off = [];
    this.#refetch.cancel();
    this.#seq++;
    this.count = null;
  }
}
