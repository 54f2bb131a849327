import type { TerminalStatus } from '@stockfleet/shared';
import { SvelteMap } from 'svelte/reactivity';
import { ApiError, toApiError } from '$lib/api/api-error';
import { fleetApi } from '$lib/api/endpoints';
import { connectAdminSocket, type LinkStatus, type StocktakeProgress } from '$lib/realtime/admin-socket';

/**
 * Every till the user may see, kept live: one fetch, then `fleet.changed.v1` batches merged by id,
 * and a full refetch on every reconnect (the hub does not replay what we missed).
 */
export class Fleet {
  terminals = new SvelteMap<string, TerminalStatus>();
  loaded = $state(false);
  loading = $state(false);
  error = $state.raw<ApiError | null>(null);
  link = $state<LinkStatus>('connecting');
  /** Set when the link came back after a loss; the shell shows "restored" briefly. */
  restoredAt = $state<number | null>(null);
  /** Ids changed by the last live batch, for a brief highlight. */
  recentlyChanged = $state.raw<ReadonlySet<string>>(new Set());

  #socket: { close(): void } | null = null;
  #fetchSeq = 0;
  /** Batches that arrive while a fetch is in flight are re-applied on top of its (older) snapshot. */
  #buffer: TerminalStatus[] | null = null;
  #everConnected = false;
  #highlightTimer: ReturnType<typeof setTimeout> | null = null;

  readonly #onRefused: () => void;
  readonly #progressListeners = new Set<(p: StocktakeProgress) => void>();
  readonly #connectListeners = new Set<() => void>();

  constructor(onRefused: () => void) {
    this.#onRefused = onRefused;
  }

  start(): void {
    if (this.#socket) return;
    this.#everConnected = false;
    this.#socket = connectAdminSocket({
      onConnect: () => {
        if (this.#everConnected) this.restoredAt = Date.now();
        this.#everConnected = true;
        void this.refetch();
        for (const fn of this.#connectListeners) fn();
      },
      onStocktakeProgress: (p) => {
        for (const fn of this.#progressListeners) fn(p);
      },
      onStatus: (s) => (this.link = s),
      onFleetChanged: (list) => this.apply(list),
      onRefused: () => this.#onRefused(),
    });
    // Don't wait for the socket to show the board.
    if (!this.loaded) void this.refetch();
  }

  /** Live stocktake progress from the same `/admin` socket; returns the unsubscribe function. */
  onStocktakeProgress(fn: (p: StocktakeProgress) => void): () => void {
    this.#progressListeners.add(fn);
    return () => this.#progressListeners.delete(fn);
  }

  /** Every (re)connect of the socket: events sent while we were away are lost, so listeners refetch. */
  onConnect(fn: () => void): () => void {
    this.#connectListeners.add(fn);
    return () => this.#connectListeners.delete(fn);
  }

  stop(): void {
    this.#socket?.close();
    this.#socket = null;
    this.terminals.clear();
    this.loaded = false;
    this.link = 'connecting';
  }

  async refetch(): Promise<void> {
    const seq = ++this.#fetchSeq;
    this.#buffer = [];
    this.loading = true;
    try {
      const list = await fleetApi.terminals();
      if (seq !== this.#fetchSeq) return;
      const ids = new Set(list.map((t) => t.id));
      for (const id of [...this.terminals.keys()]) if (!ids.has(id)) this.terminals.delete(id);
      for (const t of list) this.#set(t);
      for (const t of this.#buffer ?? []) this.#set(t);
      this.loaded = true;
      this.error = null;
    } catch (e) {
      if (seq === this.#fetchSeq) this.error = toApiError(e);
    } finally {
      if (seq === this.#fetchSeq) {
        this.#buffer = null;
        this.loading = false;
      }
    }
  }

  apply(changed: TerminalStatus[]): void {
    this.#buffer?.push(...changed);
    for (const t of changed) this.#set(t);
    this.recentlyChanged = new Set(changed.map((t) => t.id));
    if (this.#highlightTimer) clearTimeout(this.#highlightTimer);
    this.#highlightTimer = setTimeout(() => (this.recentlyChanged = new Set()), 1200);
  }

  /** Replace only when something changed, so unchanged rows don't re-render. */
  #set(t: TerminalStatus): void {
    const old = this.terminals.get(t.id);
    if (old && sameStatus(old, t)) return;
    this.terminals.set(t.id, t);
  }
}

function sameStatus(a: TerminalStatus, b: TerminalStatus): boolean {
  for (const k of Object.keys(b) as (keyof TerminalStatus)[]) if (a[k] !== b[k]) return false;
  return true;
}
