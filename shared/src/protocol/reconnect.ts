/**
 * How tills come back and how they keep the hub informed: one policy for the kiosk, the test tills and
 * the bench, so what is measured is what runs in the shops.
 */

/**
 * socket.io-client reconnection options for a till. A refused connect to a hub that is down costs
 * nothing, so tills retry often (0.5 s doubling to a 2.5 s cap, ±50 % jitter): a till is back at most
 * ~2.5 s after the hub listens again, and 10,000 of them arrive spread over that window, not at once.
 */
export const TILL_RECONNECT = {
  reconnectionDelay: 500,
  reconnectionDelayMax: 2500,
  randomizationFactor: 0.5,
} as const;

export interface BackoffPolicy {
  /** The first delay. */
  initialMs: number;
  /** Delays double up to this cap. */
  maxMs: number;
  /** 0..1: each delay is drawn from [(1 − jitter) × d, d], so tills that failed together spread out. */
  jitter: number;
}

/**
 * Resending an unacknowledged till.state.v1: 0.5 s doubling to a 4 s cap, jittered. The cap keeps a
 * store's barrier within 10 s of the database coming back (≤ 4 s to the next resend, then one write).
 */
export const TILL_STATE_RESEND: BackoffPolicy & { ackTimeoutMs: number } = {
  initialMs: 500,
  maxMs: 4000,
  jitter: 0.5,
  /** A report without an answer this long is treated as lost (half-open link, hub gone). */
  ackTimeoutMs: 5000,
};

/** A till that the hub dropped on purpose or refused for now tries again after this (jittered, capped). */
export const TILL_RECONNECT_BACKOFF: BackoffPolicy = {
  initialMs: TILL_RECONNECT.reconnectionDelay,
  maxMs: TILL_RECONNECT.reconnectionDelayMax,
  jitter: TILL_RECONNECT.randomizationFactor,
};

/** The delay before retry number `attempt` (0-based). `random` returns [0, 1). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exp = Math.min(Math.max(0, Math.trunc(attempt)), 30);
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** exp);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(base * (1 - policy.jitter * r));
}

/** How one report attempt ended: stored, worth sending again, or refused for good (same payload never succeeds). */
export type ReportOutcome = 'stored' | 'retry' | 'permanent';

export interface StateReporterOptions<S> {
  /** Sends one report and resolves to its outcome (a timeout or a dropped link is 'retry'). */
  send(state: S): Promise<ReportOutcome>;
  /** Whether the link is up now; nothing is sent while it is down. */
  connected(): boolean;
  policy?: BackoffPolicy;
  random?: () => number;
  /** Called whenever `pending` may have changed (to show it). */
  changed?: () => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * The till's latest state, kept pending until the hub acknowledges it stored. One report is in flight
 * at a time (so the hub stores them in order); a newer state supersedes an older pending one; a failed
 * or unanswered report is sent again after a jittered, capped backoff; a (re)connect sends at once.
 */
export class StateReporter<S> {
  #latest: S | null = null;
  #latestKey = '';
  #storedKey: string | null = null;
  #inFlight = false;
  /** The latest state must be sent even if it equals the stored one (a reconnect, a repeated desired state). */
  #force = false;
  /** The latest state was refused for good: not sent again until it changes. */
  #refusedKey: string | null = null;
  #attempt = 0;
  #timer: unknown = null;
  #stopped = false;

  constructor(private readonly opts: StateReporterOptions<S>) {}

  /** True while the latest state has not been acknowledged as stored. */
  get pending(): boolean {
    return this.#latest !== null && (this.#force || this.#latestKey !== this.#storedKey) && this.#latestKey !== this.#refusedKey;
  }

  /** The latest state (null before the first). */
  get latest(): S | null {
    return this.#latest;
  }

  /** Reports `state` (sent when it differs from the stored one, or always with `force`). */
  report(state: S, force = false): void {
    const key = JSON.stringify(state);
    if (key !== this.#latestKey) {
      // A new state goes out now, not after the backoff of the one it replaces.
      this.#attempt = 0;
      this.#clearTimer();
    }
    this.#latest = state;
    this.#latestKey = key;
    if (force) {
      this.#force = true;
      this.#refusedKey = null;
    }
    this.#kick();
    this.opts.changed?.();
  }

  /**
   * Sends the latest state again even if it was acknowledged (the hub may have lost it: it sent a
   * desired state this till has already applied). Nothing to do while a report is pending or in flight.
   */
  resend(): void {
    if (this.#latest === null || this.#inFlight || this.pending) return;
    this.#force = true;
    this.#refusedKey = null;
    this.#kick();
  }

  /** The link came up: level-triggered, the latest state is sent at once. */
  connectedNow(): void {
    this.#attempt = 0;
    this.#clearTimer();
    if (this.#latest === null) return;
    this.#force = true;
    this.#refusedKey = null;
    this.#kick();
  }

  /** The link went down: no timer runs; the next connect sends. */
  disconnectedNow(): void {
    this.#clearTimer();
  }

  stop(): void {
    this.#stopped = true;
    this.#clearTimer();
  }

  #kick(): void {
    if (this.#stopped || this.#inFlight || this.#timer !== null || !this.pending || !this.opts.connected()) return;
    void this.#sendLatest();
  }

  async #sendLatest(): Promise<void> {
    const state = this.#latest as S;
    const key = this.#latestKey;
    this.#inFlight = true;
    this.#force = false;
    let outcome: ReportOutcome;
    try {
      outcome = await this.opts.send(state);
    } catch {
      outcome = 'retry';
    }
    this.#inFlight = false;
    if (this.#stopped) return;
    try {
      this.#settled(key, outcome);
    } finally {
      this.opts.changed?.();
    }
  }

  #settled(key: string, outcome: ReportOutcome): void {
    if (outcome === 'stored') {
      this.#storedKey = key;
      this.#attempt = 0;
    } else if (outcome === 'permanent') {
      this.#refusedKey = key;
    } else if (key === this.#latestKey) {
      // Not stored: the same state must go again (it may have been forced; keep it pending).
      this.#storedKey = this.#storedKey === key ? null : this.#storedKey;
      this.#schedule();
      return;
    }
    // A newer state arrived meanwhile (or a resend was asked for): send it now.
    this.#kick();
  }

  #schedule(): void {
    if (this.#timer !== null || this.#stopped) return;
    const ms = backoffDelay(this.#attempt++, this.opts.policy ?? TILL_STATE_RESEND, this.opts.random);
    const setTimer = this.opts.setTimer ?? ((fn: () => void, t: number) => setTimeout(fn, t));
    this.#timer = setTimer(() => {
      this.#timer = null;
      this.#kick();
    }, ms);
  }

  #clearTimer(): void {
    if (this.#timer === null) return;
    const clearTimer = this.opts.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
    clearTimer(this.#timer);
    this.#timer = null;
  }
}
