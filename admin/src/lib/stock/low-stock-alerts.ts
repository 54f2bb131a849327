import type { LowStockAlertDto, LowStockAlertV1 } from '@stockfleet/shared';

export type AlertStatus = 'open' | 'cleared' | 'all';
export const ALERT_STATUSES: readonly AlertStatus[] = ['open', 'cleared', 'all'];

export function isAlertStatus(v: string): v is AlertStatus {
  return (ALERT_STATUSES as readonly string[]).includes(v);
}

/** What the list shows: one store or all the user may see, and which alerts. */
export interface AlertView {
  storeId: string | null;
  status: AlertStatus;
  limit: number;
}

export function inView(a: LowStockAlertDto, v: AlertView): boolean {
  if (v.storeId && a.storeId !== v.storeId) return false;
  if (v.status === 'open') return a.clearedAt === null;
  if (v.status === 'cleared') return a.clearedAt !== null;
  return true;
}

/** Newest first, as the hub sorts: cleared alerts by when they were cleared, the others by when they were raised. */
export function sortAlerts(list: LowStockAlertDto[], status: AlertStatus): LowStockAlertDto[] {
  const at = (a: LowStockAlertDto) => (status === 'cleared' ? (a.clearedAt ?? a.raisedAt) : a.raisedAt);
  return list.sort((a, b) => (at(a) < at(b) ? 1 : at(a) > at(b) ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Applies one live event to the list on screen and says how the total changed. An alert that was
 * cleared is never open again (a new fall raises a new alert), so a late "raised" push that arrives
 * after the "cleared" one cannot reopen it.
 */
export function applyAlertEvent(
  list: readonly LowStockAlertDto[],
  e: LowStockAlertV1,
  v: AlertView,
): { list: LowStockAlertDto[]; totalDelta: number; changed: boolean } {
  const i = list.findIndex((a) => a.id === e.alert.id);
  const prev = i >= 0 ? list[i] : null;
  const next: LowStockAlertDto = prev?.clearedAt && !e.alert.clearedAt ? { ...e.alert, clearedAt: prev.clearedAt } : e.alert;
  const show = inView(next, v);
  if (!prev && !show) return { list: [...list], totalDelta: 0, changed: false };
  const out = list.filter((a) => a.id !== next.id);
  if (show) out.push(next);
  sortAlerts(out, v.status);
  // The hub's page is cut at `limit`: a new alert pushes the oldest off the end, as a refetch would.
  return { list: out.slice(0, v.limit), totalDelta: (show ? 1 : 0) - (prev ? 1 : 0), changed: true };
}
