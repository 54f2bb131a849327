import type { StoreDto, TerminalStatus, TillMode } from '@stockfleet/shared';

export type OnlineFilter = 'all' | 'online' | 'offline';
export type ModeFilter = 'all' | TillMode | 'out_of_sync';

export interface FleetFilter {
  storeId: string;
  mode: ModeFilter;
  online: OnlineFilter;
  q: string;
  showRevoked: boolean;
}

export const EMPTY_FLEET_FILTER: FleetFilter = { storeId: '', mode: 'all', online: 'all', q: '', showRevoked: false };

export type SyncState = 'in_sync' | 'converging' | 'unknown';

/** Whether the till has applied what the hub wants (same mode at the current epoch). */
export function syncState(t: TerminalStatus): SyncState {
  if (t.reportedMode === null || t.reportedEpoch === null) return 'unknown';
  return t.reportedMode === t.desiredMode && t.reportedEpoch >= t.desiredEpoch ? 'in_sync' : 'converging';
}

/**
 * Not (yet) in the mode the hub wants. A till that has never reported and is offline (enrolled, not yet
 * switched on) is only offline: counting it here would bury the tills that really lag behind.
 */
export function isOutOfSync(t: TerminalStatus): boolean {
  if (t.revoked) return false;
  const sync = syncState(t);
  return sync === 'converging' || (sync === 'unknown' && t.online);
}

/** Apply a `fleet.changed.v1` batch: changed terminals replace their old entry by id. */
export function mergeTerminals(current: Map<string, TerminalStatus>, changed: readonly TerminalStatus[]): Map<string, TerminalStatus> {
  for (const t of changed) current.set(t.id, t);
  return current;
}

type StoreLookup = ReadonlyMap<string, Pick<StoreDto, 'name' | 'code'>>;

export function matchesFilter(t: TerminalStatus, f: FleetFilter, stores: StoreLookup): boolean {
  if (t.revoked && !f.showRevoked) return false;
  if (f.storeId && t.storeId !== f.storeId) return false;
  if (f.online === 'online' && !t.online) return false;
  if (f.online === 'offline' && t.online) return false;
  if (f.mode === 'out_of_sync') {
    if (!isOutOfSync(t)) return false;
  } else if (f.mode !== 'all' && t.desiredMode !== f.mode && t.reportedMode !== f.mode) {
    return false;
  }
  const q = f.q.trim().toLowerCase();
  if (q) {
    const store = stores.get(t.storeId);
    const hay = [t.name, t.id, t.appVersion ?? '', store?.name ?? '', store?.code ?? ''].join(' ').toLowerCase();
    if (!q.split(/\s+/).every((w) => hay.includes(w))) return false;
  }
  return true;
}

export interface StoreGroup {
  storeId: string;
  storeName: string;
  storeCode: string;
  terminals: TerminalStatus[];
  online: number;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Group by store, stores by name and tills by name (numeric-aware: "Till 2" before "Till 10").
 * The order never depends on live fields, so rows don't jump when a till goes on- or offline.
 */
export function groupByStore(list: readonly TerminalStatus[], stores: StoreLookup): StoreGroup[] {
  const groups = new Map<string, StoreGroup>();
  for (const t of list) {
    let g = groups.get(t.storeId);
    if (!g) {
      const s = stores.get(t.storeId);
      g = { storeId: t.storeId, storeName: s?.name ?? '', storeCode: s?.code ?? '', terminals: [], online: 0 };
      groups.set(t.storeId, g);
    }
    g.terminals.push(t);
    if (t.online) g.online++;
  }
  const out = [...groups.values()];
  for (const g of out) g.terminals.sort((a, b) => collator.compare(a.name, b.name) || a.id.localeCompare(b.id));
  // Stores we can't name (not in the store list) go last.
  return out.sort(
    (a, b) => Number(!a.storeName) - Number(!b.storeName) || collator.compare(a.storeName, b.storeName) || a.storeId.localeCompare(b.storeId),
  );
}

export interface FleetSummary {
  total: number;
  online: number;
  offline: number;
  outOfSync: number;
  outbox: number;
  revoked: number;
}

export function summarize(list: Iterable<TerminalStatus>): FleetSummary {
  const s: FleetSummary = { total: 0, online: 0, offline: 0, outOfSync: 0, outbox: 0, revoked: 0 };
  for (const t of list) {
    if (t.revoked) {
      s.revoked++;
      continue;
    }
    s.total++;
    if (t.online) s.online++;
    else s.offline++;
    if (isOutOfSync(t)) s.outOfSync++;
    s.outbox += t.outboxDepth ?? 0;
  }
  return s;
}

/** Clock offsets beyond this are flagged: sale times from that till need the hub's correction. */
export const CLOCK_OFFSET_WARN_MS = 2000;
/** Outbox depth beyond this is flagged: the till is holding back sales or counts. */
export const OUTBOX_WARN = 50;
