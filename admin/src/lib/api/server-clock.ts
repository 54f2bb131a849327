/**
 * The hub's clock as seen from here. Expiry countdowns and "last seen" are hub timestamps, so a
 * browser clock that is minutes off would show nonsense; the HTTP Date header lets us correct it.
 * The header has one-second resolution, so offsets under two seconds are treated as noise.
 */
export function skewFromDateHeader(dateHeader: string | null, sentAt: number, receivedAt: number): number | null {
  if (!dateHeader) return null;
  const serverMs = Date.parse(dateHeader);
  if (Number.isNaN(serverMs)) return null;
  // The header is truncated to the second: its true value lies in [serverMs, serverMs + 1000).
  const offset = serverMs + 500 - (sentAt + receivedAt) / 2;
  return Math.abs(offset) < 2000 ? 0 : Math.round(offset);
}

let offsetMs = 0;

export const serverClock = {
  /** Milliseconds to add to Date.now() to get the hub's time. */
  get offsetMs(): number {
    return offsetMs;
  },
  observe(dateHeader: string | null, sentAt: number, receivedAt: number): void {
    const skew = skewFromDateHeader(dateHeader, sentAt, receivedAt);
    if (skew !== null) offsetMs = skew;
  },
  now(): number {
    return Date.now() + offsetMs;
  },
};
