import { ApiError, toApiError } from '$lib/api/api-error';

/**
 * One async resource for a page: the latest request wins (older ones are aborted), and the previous
 * data stays on screen while a new query loads, so tables don't collapse and jump.
 */
export class Loader<T> {
  data = $state.raw<T | undefined>(undefined);
  error = $state.raw<ApiError | null>(null);
  loading = $state(false);
  #ctrl: AbortController | null = null;
  #last: ((signal: AbortSignal) => Promise<T>) | null = null;

  async run(fetcher: (signal: AbortSignal) => Promise<T>): Promise<void> {
    this.#ctrl?.abort();
    const ctrl = new AbortController();
    this.#ctrl = ctrl;
    this.#last = fetcher;
    this.loading = true;
    try {
      const data = await fetcher(ctrl.signal);
      if (ctrl.signal.aborted) return;
      this.data = data;
      this.error = null;
    } catch (e) {
      if (ctrl.signal.aborted) return;
      this.error = toApiError(e);
    } finally {
      if (this.#ctrl === ctrl) {
        this.#ctrl = null;
        this.loading = false;
      }
    }
  }

  /** Run the last request again (the Retry button). */
  retry(): void {
    if (this.#last) void this.run(this.#last);
  }

  abort(): void {
    this.#ctrl?.abort();
    this.#ctrl = null;
    this.loading = false;
  }

  /** True while there is nothing to show yet (first load). */
  get initial(): boolean {
    return this.data === undefined && this.error === null;
  }
}
