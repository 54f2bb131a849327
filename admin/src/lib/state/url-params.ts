import { goto } from '$app/navigation';
import { page } from '$app/state';

type ParamValue = string | number | boolean | null | undefined;

/** A query-string parameter of the current page (reactive when read in a template or $derived). */
export function param(name: string, fallback = ''): string {
  return page.url.searchParams.get(name) ?? fallback;
}

export function intParam(name: string, fallback = 0): number {
  const n = Number.parseInt(page.url.searchParams.get(name) ?? '', 10);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/**
 * Put list filters in the URL, so back/forward, reload and shared links keep them. Empty, null,
 * undefined and false remove the parameter. Replaces the history entry and keeps focus in the input.
 */
export function setParams(patch: Record<string, ParamValue>): void {
  const url = new URL(page.url);
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || v === null || v === '' || v === false) url.searchParams.delete(k);
    else url.searchParams.set(k, String(v));
  }
  if (url.search === page.url.search) return;
  void goto(url, { replaceState: true, keepFocus: true, noScroll: true });
}
