import type { ReportDto } from '@stockfleet/shared';
import { reportsApi } from '$lib/api/endpoints';
import { onReportProgress, type ReportProgressEvent } from '$lib/realtime/admin-socket';
import type { Fleet } from '$lib/state/fleet.svelte';
import { Loader } from '$lib/state/loader.svelte';
import { throttle } from '$lib/stocktake/stocktake-view';
import { applyProgress, mergeFetched, upsertReport, type ReportView } from './reports-view';

const REFETCH_MS = 1000;

/**
 * The reports page's list, kept live: one fetch, then each `report.progress.v1` moves its report's bar
 * in place; a finished report is fetched again for its files; a report we do not hold (asked for by
 * someone else, or by the hub itself when a chain stocktake finishes) brings a refetch of the list, as
 * does every reconnect (missed pushes are not replayed).
 */
export class ReportList {
  readonly loader = new Loader<ReportDto[]>();

  #view: ReportView = { stocktakeId: null, kind: null };
  #off: Array<() => void> = [];
  #seq = 0;
  /** Events that arrive while the list is being fetched, applied again on top of its answer. */
  #buffer: ReportProgressEvent[] | null = null;
  /** Reports the hub says nothing about in this view (another stocktake's): their pushes bring no refetch. */
  #outOfView = new Set<string>();
  /** Unknown reports whose pushes asked for the next fetch. */
  #askedFor = new Set<string>();
  #fetchingOne = new Set<string>();
  readonly #refetch = throttle(() => void this.load(), REFETCH_MS);

  constructor(private readonly fleet: Fleet) {}

  get items(): ReportDto[] {
    return this.loader.data ?? [];
  }

  setView(v: ReportView): void {
    this.#view = v;
    this.#outOfView.clear();
    void this.load();
  }

  async load(): Promise<void> {
    const v = this.#view;
    const seq = ++this.#seq;
    const asked = [...this.#askedFor];
    this.#askedFor.clear();
    this.#buffer = [];
    await this.loader.run(async (signal) => {
      const list = await reportsApi.list({ stocktakeId: v.stocktakeId ?? undefined, kind: v.kind ?? undefined }, { signal });
      return mergeFetched(this.items, list);
    });
    if (seq !== this.#seq) return;
    const buffered = this.#buffer ?? [];
    this.#buffer = null;
    if (!this.loader.data) return;
    const ids = new Set(this.loader.data.map((r) => r.id));
    // The list was read after their pushes: a report it does not hold is not in this view.
    for (const id of asked) if (!ids.has(id)) this.#outOfView.add(id);
    for (const e of buffered) this.#apply(e);
    // Done reports listed without files (a report finishing as the list was read) get theirs.
    for (const r of this.loader.data) if (r.status === 'done' && r.files.length === 0) this.#fetchOne(r.id);
  }

  /** A report this page asked for (the hub's answer to the POST). */
  add(r: ReportDto): void {
    this.#outOfView.delete(r.id);
    this.loader.data = upsertReport(this.items, r, this.#view);
  }

  /** Retries a failed report; the hub's answer replaces it (the one way a report goes back to queued). */
  async retry(id: string): Promise<void> {
    const r = await reportsApi.retry(id);
    this.loader.data = upsertReport(this.items, r, this.#view, { force: true });
  }

  start(): void {
    this.#off.push(
      onReportProgress((e) => this.#apply(e)),
      this.fleet.onConnect(() => this.#refetch()),
    );
  }

  stop(): void {
    this.#off.forEach((f) => f());
    this.#off = [];
    this.#refetch.cancel();
    this.#seq++;
    this.loader.abort();
  }

  #apply(e: ReportProgressEvent): void {
    this.#buffer?.push(e);
    const list = this.loader.data;
    if (!list) return;
    const r = applyProgress(list, e);
    if (r.unknown) {
      // A fetch on its way may or may not hold it: its buffered events are applied again afterwards.
      if (this.#outOfView.has(e.reportId) || this.#buffer !== null) return;
      this.#askedFor.add(e.reportId);
      this.#refetch();
      return;
    }
    if (r.changed) this.loader.data = r.list;
    if (r.fetchReport) this.#fetchOne(e.reportId);
  }

  #fetchOne(id: string): void {
    if (this.#fetchingOne.has(id)) return;
    this.#fetchingOne.add(id);
    reportsApi
      .get(id)
      .then((r) => {
        if (this.loader.data) this.loader.data = upsertReport(this.loader.data, r, this.#view);
      })
      .catch(() => {
        // The report stays "done" without files; the next reconnect or Refresh lists them.
      })
      .finally(() => this.#fetchingOne.delete(id));
  }
}
