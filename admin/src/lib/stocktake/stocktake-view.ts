import type { StocktakeDto, StocktakeStoreDto, StoreCountStatusDto, StoreDto, VarianceLineDto } from '@stockfleet/shared';

/** Pure rules of the stocktake pages (no Svelte, no fetch), so they are tested on their own. */

export const STORE_STATUSES: readonly StoreCountStatusDto[] = ['pending', 'freezing', 'counting', 'review', 'approved', 'cancelled'];
export const REASON_CODES = ['damage', 'expiry', 'theft', 'receiving_error', 'counting_error', 'unknown'] as const;
export type ReasonCodeValue = (typeof REASON_CODES)[number];

export type ScopeKind = 'chain' | 'regions' | 'stores';
export type FilterKind = 'full' | 'categories' | 'zones' | 'products';

type StoreLike = Pick<StoreDto, 'id' | 'regionId'>;

/** The stores a scope covers, among the stores the user can see (the hub resolves the same way). */
export function storesInScope<S extends StoreLike>(stores: readonly S[], kind: ScopeKind, regionIds: readonly string[], storeIds: readonly string[]): S[] {
  if (kind === 'chain') return [...stores];
  if (kind === 'regions') return stores.filter((s) => regionIds.includes(s.regionId));
  return stores.filter((s) => storeIds.includes(s.id));
}

/** Distinct regions of a list of stores, in first-seen order. */
export function regionsOf(stores: readonly Pick<StoreDto, 'regionId' | 'regionName'>[]): { id: string; name: string }[] {
  const seen = new Map<string, string>();
  for (const s of stores) if (!seen.has(s.regionId)) seen.set(s.regionId, s.regionName);
  return [...seen].map(([id, name]) => ({ id, name }));
}

/** Distinct zone codes across stores, sorted. */
export function zoneCodesOf(stores: readonly Pick<StoreDto, 'zones'>[]): string[] {
  const codes = new Set<string>();
  for (const s of stores) for (const z of s.zones ?? []) codes.add(z.code);
  return [...codes].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

/** Active (not revoked) tills in the given stores. */
export function tillsInStores(terminals: readonly { storeId: string; revoked: boolean }[], storeIds: readonly string[]): number {
  const set = new Set(storeIds);
  return terminals.filter((t) => !t.revoked && set.has(t.storeId)).length;
}

/** The store's live step, for the badge colour. */
export function statusTone(status: StoreCountStatusDto | string): 'ok' | 'warn' | 'danger' | 'accent' | 'neutral' {
  switch (status) {
    case 'approved':
      return 'ok';
    case 'freezing':
      return 'warn';
    case 'counting':
      return 'accent';
    case 'review':
      return 'warn';
    case 'cancelled':
      return 'danger';
    default:
      return 'neutral';
  }
}

/** Whether a store's variance report exists (the snapshot is taken when counting starts). */
export function hasVariance(status: StoreCountStatusDto): boolean {
  return status === 'counting' || status === 'review' || status === 'approved';
}

export function isOpenStore(s: Pick<StocktakeStoreDto, 'status'>): boolean {
  return s.status !== 'approved' && s.status !== 'cancelled';
}

export function isOpenStocktake(st: Pick<StocktakeDto, 'status'>): boolean {
  return st.status === 'draft' || st.status === 'running';
}

export type VarianceSort = 'value' | 'variance' | 'sku';
export interface VarianceFilter {
  category: string;
  overOnly: boolean;
  uncountedOnly: boolean;
}

export function filterLines(lines: readonly VarianceLineDto[], f: VarianceFilter): VarianceLineDto[] {
  return lines.filter((l) => (!f.category || l.category === f.category) && (!f.overOnly || l.overThreshold) && (!f.uncountedOnly || l.uncounted));
}

/** Largest absolute value first / largest absolute quantity first / SKU; ties by SKU so the order is stable. */
export function sortLines(lines: readonly VarianceLineDto[], by: VarianceSort): VarianceLineDto[] {
  const sku = (a: VarianceLineDto, b: VarianceLineDto) => a.sku.localeCompare(b.sku, undefined, { numeric: true });
  const out = [...lines];
  if (by === 'value') out.sort((a, b) => Math.abs(b.varianceValueCents) - Math.abs(a.varianceValueCents) || sku(a, b));
  else if (by === 'variance') out.sort((a, b) => Math.abs(b.variance) - Math.abs(a.variance) || sku(a, b));
  else out.sort(sku);
  return out;
}

export function categoriesOf(lines: readonly VarianceLineDto[]): string[] {
  return [...new Set(lines.map((l) => l.category))].sort((a, b) => a.localeCompare(b));
}

export interface VarianceTotals {
  lines: number;
  withVariance: number;
  overThreshold: number;
  uncounted: number;
  netValueCents: number;
  absValueCents: number;
  netQuantity: number;
}

/** Value-weighted totals of the lines shown. */
export function totalsOf(lines: readonly VarianceLineDto[]): VarianceTotals {
  const t: VarianceTotals = { lines: lines.length, withVariance: 0, overThreshold: 0, uncounted: 0, netValueCents: 0, absValueCents: 0, netQuantity: 0 };
  for (const l of lines) {
    if (l.variance !== 0) t.withVariance++;
    if (l.overThreshold) t.overThreshold++;
    if (l.uncounted) t.uncounted++;
    t.netValueCents += l.varianceValueCents;
    t.absValueCents += Math.abs(l.varianceValueCents);
    t.netQuantity += l.variance;
  }
  return t;
}

/**
 * What approval will post, by the hub's rule: every line with a difference; in a partial count
 * only the products that were counted (a full count sets uncounted products to zero).
 */
export function linesToPost(lines: readonly VarianceLineDto[], filterKind: FilterKind): VarianceLineDto[] {
  const full = filterKind === 'full';
  return lines.filter((l) => l.variance !== 0 && (full || !l.uncounted));
}

/** One sample of scans per minute for the sparkline; keeps the last `max` samples. */
export function pushSample(series: readonly { at: number; v: number }[], at: number, v: number, max = 60): { at: number; v: number }[] {
  const next = [...series, { at, v }];
  return next.length > max ? next.slice(next.length - max) : next;
}

/** SVG polyline points of a series in a w×h box (0 at the bottom); '' when there is nothing to draw. */
export function sparklinePoints(values: readonly number[], w: number, h: number, pad = 2): string {
  if (values.length === 0) return '';
  const max = Math.max(1, ...values);
  const n = values.length;
  const step = n > 1 ? (w - pad * 2) / (n - 1) : 0;
  return values
    .map((v, i) => {
      const x = n > 1 ? pad + i * step : w / 2;
      const y = h - pad - (Math.max(0, v) / max) * (h - pad * 2);
      return `${round(x)},${round(y)}`;
    })
    .join(' ');
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Percent of in-scope products counted, 0..100; null when unknown. */
export function countedPercent(counted: number | null | undefined, scope: number | null | undefined): number | null {
  if (counted === null || counted === undefined || !scope) return null;
  return Math.min(100, Math.round((counted * 100) / scope));
}

/** Calls `fn` at most once per `ms`: the first call runs at once, later ones are folded into one trailing call. */
export function throttle(fn: () => void, ms: number): (() => void) & { cancel(): void } {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    timer = null;
    last = Date.now();
    fn();
  };
  const t = () => {
    if (timer) return;
    const wait = last + ms - Date.now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  };
  t.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return t;
}

export type StocktakeAction = 'start' | 'force' | 'close' | 'cancel' | 'recount' | 'reason' | 'approve';

/**
 * A more precise message for the hub's typed errors of a stocktake action, or null to use the
 * generic message of the code. `status` is the store's status as last seen.
 */
export function stocktakeErrorKey(code: string, action: StocktakeAction, status: string | null):
  | 'stocktake.err.approveCounting'
  | 'stocktake.err.approveNotReview'
  | 'stocktake.err.recountsOpen'
  | 'stocktake.err.busyStore'
  | 'stocktake.err.notFreezing'
  | 'stocktake.err.noLines'
  | 'stocktake.err.illegal'
  | null {
  if (code === 'ILLEGAL_TRANSITION') {
    if (action === 'approve' && status === 'counting') return 'stocktake.err.approveCounting';
    if (action === 'approve') return 'stocktake.err.approveNotReview';
    if (action === 'force') return 'stocktake.err.notFreezing';
    return 'stocktake.err.illegal';
  }
  if (code === 'CONFLICT') {
    if (action === 'approve') return 'stocktake.err.recountsOpen';
    if (action === 'start') return 'stocktake.err.busyStore';
  }
  if (code === 'VALIDATION_FAILED' && action === 'recount') return 'stocktake.err.noLines';
  return null;
}
