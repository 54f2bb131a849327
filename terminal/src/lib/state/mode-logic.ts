import type { TillMode } from '@stockfleet/shared';

export interface DesiredLike {
  mode: TillMode;
  epoch: number;
  graceSeconds: number;
}

export interface Applied {
  mode: TillMode;
  epoch: number;
}

/** A desired state is applied unless it is older than the newest one already received. */
export function acceptDesired(current: DesiredLike | null, incoming: DesiredLike): boolean {
  return !current || incoming.epoch >= current.epoch;
}

/** The mode the till aims for: a remote lock command overrides whatever the hub's desired state says. */
export function targetMode(desired: DesiredLike | null, localLock: boolean): TillMode {
  if (localLock) return 'locked';
  return desired?.mode ?? 'selling';
}

export interface ReportInputs {
  desired: DesiredLike | null;
  localLock: boolean;
  /** A basket with lines is open (during a freeze: inside the grace period). */
  saleInProgress: boolean;
  /** Sales still waiting in the outbox (rejected entries do not count). */
  pendingSales: number;
  /** The last state fully reached (persisted). */
  lastApplied: Applied;
}

/**
 * What the till really is, for till.state.v1. The till reports a desired state only once it has
 * reached it: `frozen` needs no sale in progress and no sale left in the outbox (the hub's barrier
 * takes the snapshot on that report); until then it keeps reporting the last state it reached.
 */
export function reportedState(i: ReportInputs): Applied & { reached: boolean } {
  const target = targetMode(i.desired, i.localLock);
  const epoch = i.desired?.epoch ?? 0;
  if (target === 'selling') return { mode: 'selling', epoch, reached: true };
  if (i.localLock) return { mode: 'locked', epoch: i.lastApplied.epoch, reached: true };
  if (i.saleInProgress) return { ...i.lastApplied, reached: false };
  if (target === 'frozen' && i.pendingSales > 0) return { ...i.lastApplied, reached: false };
  return { mode: target, epoch, reached: true };
}

export type Screen = 'pairing' | 'signin' | 'selling' | 'frozen' | 'counting' | 'locked';

export interface ScreenInputs {
  paired: boolean;
  staffSignedIn: boolean;
  target: TillMode;
  saleInProgress: boolean;
  /** The grace period of a freeze is still running. */
  graceActive: boolean;
}

export function screenFor(i: ScreenInputs): Screen {
  if (!i.paired) return 'pairing';
  if (i.target === 'locked') return 'locked';
  // A sale in progress when the freeze arrived may still be finished on the selling screen.
  if (i.target !== 'selling' && i.saleInProgress && i.graceActive) return 'selling';
  if (i.target === 'frozen') return 'frozen';
  if (!i.staffSignedIn) return 'signin';
  return i.target === 'counting' ? 'counting' : 'selling';
}

/** Whether a new sale may start (an open one may always be finished while the grace runs). */
export function canStartSale(target: TillMode): boolean {
  return target === 'selling';
}
