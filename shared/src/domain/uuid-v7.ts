/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. The ids tills give their
 * sales and count entries are primary keys on the hub; time-ordered ids land at the right edge of the
 * index instead of on a random page, so a scan storm dirties a few index pages, not thousands.
 * Within one millisecond, ids are random (not monotonic): uniqueness does not depend on order.
 */
export function uuidv7(now: number = Date.now(), randomUUID: () => string = () => globalThis.crypto.randomUUID()): string {
  // A v4 UUID supplies the random bits and the variant; the first 48 bits become the time, the version 7.
  const r = randomUUID(); // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx
  const ts = Math.max(0, Math.floor(now)).toString(16).padStart(12, '0');
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${r.slice(15)}`;
}
