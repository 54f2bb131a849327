import type { TillHeartbeat } from '@stockfleet/shared';

export interface ClockSample {
  sentAt: number;
  hubAt: number;
  receivedAt: number;
}

/**
 * NTP-style heartbeat bookkeeping. Each heartbeat carries the previous round's three timestamps so
 * the hub can compute the till's offset itself; the till keeps its own estimate for the status bar,
 * taken from the recent sample with the shortest round trip (the least disturbed by queueing).
 */
export class HeartbeatClock {
  #previous: ClockSample | null = null;
  #samples: ClockSample[] = [];

  constructor(private readonly window = 8) {}

  /** The payload for the next heartbeat. */
  next(now: number): TillHeartbeat {
    return { sentAt: Math.trunc(now), previous: this.#previous };
  }

  /** Records the hub's answer to a heartbeat sent at `sentAt`. */
  record(sentAt: number, hubAt: number, receivedAt: number): void {
    if (!(receivedAt >= sentAt) || !Number.isFinite(hubAt)) return;
    const sample = { sentAt: Math.trunc(sentAt), hubAt: Math.trunc(hubAt), receivedAt: Math.trunc(receivedAt) };
    this.#previous = sample;
    this.#samples.push(sample);
    if (this.#samples.length > this.window) this.#samples.shift();
  }

  /** A lost round: the next heartbeat must not claim it. */
  lost(): void {
    this.#previous = null;
  }

  /** Hub clock minus till clock, in ms (null before the first answer). */
  get offsetMs(): number | null {
    const best = this.#best();
    return best ? Math.round(offsetOf(best)) : null;
  }

  get rttMs(): number | null {
    const best = this.#best();
    return best ? best.receivedAt - best.sentAt : null;
  }

  #best(): ClockSample | null {
    let best: ClockSample | null = null;
    for (const s of this.#samples) if (!best || s.receivedAt - s.sentAt < best.receivedAt - best.sentAt) best = s;
    return best;
  }
}

export function offsetOf(s: ClockSample): number {
  return s.hubAt - (s.sentAt + s.receivedAt) / 2;
}

/** "+12 ms", "−1.4 s" for the status bar. */
export function formatOffset(ms: number | null): string {
  if (ms === null) return '–';
  const sign = ms < 0 ? '−' : '+';
  const abs = Math.abs(ms);
  return abs < 1000 ? `${sign}${abs} ms` : `${sign}${(abs / 1000).toFixed(1)} s`;
}
