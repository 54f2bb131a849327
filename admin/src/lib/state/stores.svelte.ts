import type { StoreDto } from '@stockfleet/shared';
import { ApiError, toApiError } from '$lib/api/api-error';
import { orgApi } from '$lib/api/endpoints';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** The stores this user may see (the hub filters), loaded once per sign-in. */
export class Stores {
  list = $state.raw<StoreDto[]>([]);
  loaded = $state(false);
  error = $state.raw<ApiError | null>(null);
  byId = $derived(new Map(this.list.map((s) => [s.id, s] as const)));
  #inflight: Promise<void> | null = null;

  load(force = false): Promise<void> {
    if (this.loaded && !force) return Promise.resolve();
    this.#inflight ??= orgApi
      .stores()
      .then((list) => {
        this.list = [...list].sort((a, b) => collator.compare(a.name, b.name));
        this.loaded = true;
        this.error = null;
      })
      .catch((e) => {
        this.error = toApiError(e);
      })
      .finally(() => (this.#inflight = null));
    return this.#inflight;
  }

  name(id: string | null | undefined): string {
    if (!id) return '';
    return this.byId.get(id)?.name ?? id.slice(0, 8);
  }

  clear(): void {
    this.list = [];
    this.loaded = false;
  }
}
