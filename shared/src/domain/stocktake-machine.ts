/**
 * The per-store count and the chain stocktake as pure state machines. The hub applies these inside
 * a locked transaction; nothing else decides whether a transition is legal.
 */
export type StoreCountStatus = 'pending' | 'freezing' | 'counting' | 'review' | 'approved' | 'cancelled';
export type StocktakeStatus = 'draft' | 'running' | 'done' | 'cancelled';

export type StoreCountEvent =
  | { type: 'start' }
  | { type: 'barrier_complete' }
  | { type: 'close_counting' }
  | { type: 'reopen_counting' }
  | { type: 'approve' }
  | { type: 'cancel' };

const STORE_TRANSITIONS: Record<StoreCountStatus, Partial<Record<StoreCountEvent['type'], StoreCountStatus>>> = {
  pending: { start: 'freezing', cancel: 'cancelled' },
  freezing: { barrier_complete: 'counting', cancel: 'cancelled' },
  counting: { close_counting: 'review', cancel: 'cancelled' },
  review: { approve: 'approved', reopen_counting: 'counting', cancel: 'cancelled' },
  approved: {},
  cancelled: {},
};

export type Transition<S> = { ok: true; to: S } | { ok: false; reason: string };

export function nextStoreStatus(from: StoreCountStatus, event: StoreCountEvent): Transition<StoreCountStatus> {
  const to = STORE_TRANSITIONS[from][event.type];
  return to ? { ok: true, to } : { ok: false, reason: `a store that is ${from} cannot ${event.type.replace('_', ' ')}` };
}

export const isFinalStoreStatus = (s: StoreCountStatus) => s === 'approved' || s === 'cancelled';

/** The till mode a store's status asks for. */
export function tillModeFor(status: StoreCountStatus): 'selling' | 'frozen' | 'counting' {
  switch (status) {
    case 'freezing':
      return 'frozen';
    case 'counting':
    case 'review':
      return 'counting';
    case 'pending':
    case 'approved':
    case 'cancelled':
      return 'selling';
  }
}

/** A chain stocktake follows its stores: done when every store is approved or cancelled. */
export function chainStatus(current: StocktakeStatus, stores: StoreCountStatus[]): StocktakeStatus {
  if (current === 'draft' || current === 'cancelled') return current;
  if (stores.length && stores.every(isFinalStoreStatus)) return stores.every((s) => s === 'cancelled') ? 'cancelled' : 'done';
  return 'running';
}

/** The barrier: every active till has reported `frozen` at the epoch it was given (forced tills excepted). */
export interface BarrierTill {
  id: string;
  desiredEpoch: number;
  reportedMode: string | null;
  reportedEpoch: number | null;
}
export function barrierComplete(tills: BarrierTill[], forced: ReadonlySet<string>): { complete: boolean; waitingFor: string[] } {
  const waitingFor = tills
    .filter((t) => !forced.has(t.id))
    .filter((t) => !(t.reportedMode === 'frozen' && t.reportedEpoch !== null && t.reportedEpoch >= t.desiredEpoch))
    .map((t) => t.id);
  return { complete: waitingFor.length === 0, waitingFor };
}
