// See https://svelte.dev/docs/kit/types#app.d.ts
import type { StockfleetTestApi } from '$lib/test-hooks';

declare global {
  namespace App {}
  interface Window {
    __stockfleet?: StockfleetTestApi;
  }
}

export {};
