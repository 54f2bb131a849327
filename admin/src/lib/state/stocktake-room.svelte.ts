import type { StocktakeDto } from '@stockfleet/shared';
import { SvelteMap } from 'svelte/reactivity';
import { stocktakeApi } from '$lib/api/endpoints';
import type { StocktakeProgress } from '$lib/realtime/admin-socket';
import { pushSample, throttle } from '$lib/stocktake/stocktake-view';
import type { Fleet } from './fleet.svelte';
import { Loader } from './loader.svelte';

const REFETCH_MS = 1000;

/**
 * One stocktake kept live for the control room: GET /api/stocktakes/:id, then every
 * `stocktake.progress.v1` of its stores updates the counters at once and asks for a (throttled)
 * refetch of the whole DTO; so do till changes of its stores on the fleet board and every reconnect.
 */
export class StocktakeRoom {
  readonly loader = new Loader<StocktakeDto>();
  /** The last progress event per store. */
  readonly progress = new SvelteMap<string, StocktakeProgress>();
  /** Scans per minute over time, per store (sparkline). */
  readonly rate = new SvelteMap<string, { at: number; v: number }[]>();

  readonly #refetch = throttle(() => void this.load(), REFETCH_MS);
  #off: (() => void)[] = [];

  constructor(
    readonly id: string,
    private readonly fleet: Fleet,
  ) {}

  get data(): StocktakeDto | undefined {
    return this.loader.data;
  }

  load(): Promise<void> {
    return this.loader.run((signal) => stocktakeApi.get(this.id, { signal }));
  }

  /** Ask for a fresh DTO soon (at most once a second). */
  refresh(): void {
    this.#refetch();
  }

  start(): void {
    void this.load();
    this.#off.push(
      this.fleet.onStocktakeProgress((p) => {
        if (p.stocktakeId !== this.id) return;
        this.progress.set(p.storeId, p);
        this.rate.set(p.storeId, pushSample(this.rate.get(p.storeId) ?? [], Date.now(), p.scansPerMinute));
        this.#refetch();
      }),
      this.fleet.onConnect(() => this.#refetch()),
    );
  }

  stop(): void {
    this.#off.forEach((f) => f());
    this.#off = [];
    this.#refetch.cancel();
    this.loader.abort();
  }
}
