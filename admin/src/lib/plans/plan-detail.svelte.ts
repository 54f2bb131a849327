import type { AbcClassDto, CountPlanRunDto } from '@stockfleet/shared';
import { plansApi } from '$lib/api/endpoints';
import { Loader } from '$lib/state/loader.svelte';
import { isRunFinished } from './plan-view';

const POLL_MS = 1000;
const WATCH_FOR_MS = 30_000;

/**
 * The runs and the ABC preview of the plan selected on the count-plans page. Runs have no live push:
 * after "Run now" the list is polled until that run is listed as finished (or half a minute passes).
 */
export class PlanDetail {
  readonly runs = new Loader<CountPlanRunDto[]>();
  readonly abc = new Loader<AbcClassDto[]>();
  /** Run keys of "Run now" clicks being watched. */
  watching = $state.raw<ReadonlySet<string>>(new Set());
  /** Called when a watched run finished (the page refreshes the plan list: its last run changed). */
  onRunFinished: ((run: CountPlanRunDto) => void) | null = null;

  #planId: string | null = null;
  #abcStore: string | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #deadline = 0;

  get planId(): string | null {
    return this.#planId;
  }

  setPlan(planId: string | null, abcStoreId: string | null): void {
    const changed = planId !== this.#planId;
    this.#planId = planId;
    if (changed) {
      this.#stopPolling();
      this.runs.abort();
      this.runs.data = undefined;
      this.runs.error = null;
      if (planId) void this.loadRuns();
    }
    if (changed || abcStoreId !== this.#abcStore) {
      this.#abcStore = abcStoreId;
      this.abc.abort();
      if (changed) {
        this.abc.data = undefined;
        this.abc.error = null;
      }
      if (planId) void this.loadAbc();
    }
  }

  loadRuns(): Promise<void> {
    const id = this.#planId;
    if (!id) return Promise.resolve();
    return this.runs.run((signal) => plansApi.runs(id, { signal }));
  }

  loadAbc(): Promise<void> {
    const id = this.#planId;
    if (!id) return Promise.resolve();
    const store = this.#abcStore;
    return this.abc.run((signal) => plansApi.abc(id, store, { signal }));
  }

  /** Asks for a run now; the run is watched until it is listed as finished. Throws the hub's error. */
  async runNow(planId: string): Promise<string> {
    const { runKey } = await plansApi.runNow(planId);
    if (planId === this.#planId) {
      this.watching = new Set([...this.watching, runKey]);
      this.#deadline = Date.now() + WATCH_FOR_MS;
      this.#schedule();
    }
    return runKey;
  }

  stop(): void {
    this.#stopPolling();
    this.runs.abort();
    this.abc.abort();
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => void this.#poll(), POLL_MS);
  }

  async #poll(): Promise<void> {
    this.#timer = null;
    const planId = this.#planId;
    await this.loadRuns();
    if (planId !== this.#planId) return;
    const runs = this.runs.data ?? [];
    const left = new Set(this.watching);
    for (const key of this.watching) {
      const run = runs.find((r) => r.runKey === key);
      if (run && isRunFinished(run)) {
        left.delete(key);
        this.onRunFinished?.(run);
      }
    }
    this.watching = left;
    if (left.size > 0 && Date.now() < this.#deadline) this.#schedule();
    else if (left.size > 0) this.watching = new Set();
  }

  #stopPolling(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.watching = new Set();
  }
}
