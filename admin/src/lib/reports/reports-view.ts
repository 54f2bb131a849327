import type { ReportDto, ReportKind, ReportProgressV1, ReportStatus, StocktakeDto, StocktakeStoreDto } from '@stockfleet/shared';
import type { Locale } from '../i18n/locales';

/** Pure rules of the reports page (no Svelte, no fetch), tested on their own. */

export const REPORT_KINDS: readonly ReportKind[] = ['store_variance', 'chain_variance', 'slow_movers'];

export function isReportKind(v: string): v is ReportKind {
  return (REPORT_KINDS as readonly string[]).includes(v);
}

/** queued → running → done | failed; a retry takes a failed report back to queued. */
const RANK: Record<ReportStatus, number> = { queued: 0, running: 1, done: 2, failed: 2 };

export function isFinished(status: ReportStatus): boolean {
  return status === 'done' || status === 'failed';
}

export function statusTone(status: ReportStatus): 'ok' | 'danger' | 'accent' | 'neutral' {
  return status === 'done' ? 'ok' : status === 'failed' ? 'danger' : status === 'running' ? 'accent' : 'neutral';
}

/** 0–100, whole numbers; a done report is full whatever the last progress said. */
export function progressValue(r: Pick<ReportDto, 'status' | 'progress'>): number {
  if (r.status === 'done') return 100;
  const p = Number.isFinite(r.progress) ? r.progress : 0;
  return Math.min(100, Math.max(0, Math.round(p)));
}

/**
 * Which of two views of the same report is newer. Events and fetches can cross (a POST answer saying
 * "queued" can arrive after the socket said "done"), so a view never moves back: `done` is final, a
 * status never returns to an earlier one, and within a status the progress only grows.
 * The one way back is a retry of a failed report. The socket delivers in order, so after `failed` an
 * event of a running report means it is being built again (`source: 'event'`); a fetch that answers
 * "running" after `failed` may have been answered before the failure, and is ignored. Our own Retry
 * replaces the report explicitly (`upsertReport(..., { force: true })`).
 */
export function isNewer(next: Pick<ReportDto, 'status' | 'progress'>, prev: Pick<ReportDto, 'status' | 'progress'>, source: 'event' | 'fetch'): boolean {
  if (prev.status === 'done') return false;
  if (prev.status === 'failed') return source === 'event' || isFinished(next.status);
  if (RANK[next.status] !== RANK[prev.status]) return RANK[next.status] > RANK[prev.status];
  return next.progress >= prev.progress;
}

export interface ProgressMerge {
  list: ReportDto[];
  /** The report is not in the list (new, or created elsewhere): ask the hub for the list. */
  unknown: boolean;
  /** The report just finished: its files are listed by `GET /api/reports/:id` only. */
  fetchReport: boolean;
  changed: boolean;
}

/** Applies one `report.progress.v1` to the list on screen. */
export function applyProgress(list: readonly ReportDto[], e: ReportProgressV1): ProgressMerge {
  const i = list.findIndex((r) => r.id === e.reportId);
  if (i < 0) return { list: [...list], unknown: true, fetchReport: false, changed: false };
  const prev = list[i];
  const needsFiles = e.status === 'done' && (prev.status !== 'done' || prev.files.length === 0);
  if (!isNewer(e, prev, 'event')) return { list: [...list], unknown: false, fetchReport: needsFiles, changed: false };
  const next: ReportDto = {
    ...prev,
    status: e.status,
    progress: e.status === prev.status ? Math.max(prev.progress, e.progress) : e.progress,
    error: e.status === 'failed' ? e.error : null,
  };
  const out = [...list];
  out[i] = next;
  return { list: out, unknown: false, fetchReport: needsFiles, changed: true };
}

/**
 * Puts a report the hub returned (create, retry, refetch of one) into the list: replaced in place when
 * it is newer (or `force`), otherwise added on top when it belongs to the view.
 */
export function upsertReport(list: readonly ReportDto[], r: ReportDto, view: ReportView, opts: { force?: boolean } = {}): ReportDto[] {
  const i = list.findIndex((x) => x.id === r.id);
  if (i >= 0) {
    const prev = list[i];
    // A done report with files beats the same report done without them (the event came before the fetch).
    const better = opts.force || isNewer(r, prev, 'fetch') || (r.status === 'done' && prev.status === 'done' && r.files.length > prev.files.length);
    if (!better) return [...list];
    const out = [...list];
    out[i] = r;
    return out;
  }
  if (!inView(r, view)) return [...list];
  return sortReports([r, ...list]);
}

/**
 * A fresh list from the hub, with each report the page already held kept where the page's copy is
 * newer: the hub stores a build's progress now and then, the socket says it more often, so a refetch
 * in the middle of a build must not move its bar back.
 */
export function mergeFetched(prev: readonly ReportDto[], fetched: readonly ReportDto[]): ReportDto[] {
  if (prev.length === 0) return [...fetched];
  const held = new Map(prev.map((r) => [r.id, r] as const));
  return fetched.map((r) => {
    const p = held.get(r.id);
    if (!p || p === r) return r;
    const fresher = isNewer(r, p, 'fetch') || (r.status === 'done' && p.status === 'done' && r.files.length >= p.files.length);
    return fresher ? r : p;
  });
}

export interface ReportView {
  stocktakeId: string | null;
  kind: ReportKind | null;
}

export function inView(r: Pick<ReportDto, 'stocktakeId' | 'kind'>, v: ReportView): boolean {
  if (v.stocktakeId && r.stocktakeId !== v.stocktakeId) return false;
  if (v.kind && r.kind !== v.kind) return false;
  return true;
}

/** Newest first, as the hub lists them. */
export function sortReports(list: ReportDto[]): ReportDto[] {
  return list.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** The first 12 hex digits of a SHA-256: enough to compare by eye; the full hash is one click away. */
export function shortHash(sha256: string, length = 12): string {
  return sha256.length > length ? `${sha256.slice(0, length)}…` : sha256;
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;
const nfCache = new Map<string, Intl.NumberFormat>();

/** "512 B", "1.2 KB", "34 MB": binary multiples, one decimal under 10, in the locale's digits. */
export function formatFileSize(bytes: number, locale: Locale): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  // 1023.96 KB would print as "1,024 KB": carry it up instead.
  if (u < UNITS.length - 1 && u > 0 && Math.round(v) >= 1024) {
    v /= 1024;
    u++;
  }
  const digits = u === 0 || v >= 10 ? 0 : 1;
  const key = `${locale}|${digits}`;
  let nf = nfCache.get(key);
  if (!nf) nfCache.set(key, (nf = new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits })));
  return `${nf.format(v)} ${UNITS[u]}`;
}

/** The stores whose count is approved: the ones a store variance report can be built for. */
export function approvedStores(st: Pick<StocktakeDto, 'stores'> | null | undefined): StocktakeStoreDto[] {
  return (st?.stores ?? []).filter((s) => s.status === 'approved');
}

/** Stocktakes a report of this kind can be asked for (slow movers need none). */
export function stocktakesFor(kind: ReportKind, list: readonly StocktakeDto[]): StocktakeDto[] {
  if (kind === 'store_variance') return list.filter((st) => approvedStores(st).length > 0);
  if (kind === 'chain_variance') return list.filter((st) => st.status === 'done');
  return [];
}
