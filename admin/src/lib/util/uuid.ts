/** Fills the array with random bytes in place. */
type RandomFill = (bytes: Uint8Array<ArrayBuffer>) => void;

const defaultFill: RandomFill = (b) => {
  globalThis.crypto.getRandomValues(b);
};

/**
 * RFC 4122 version-4 UUID. crypto.randomUUID() exists only in secure contexts, and a hub reached
 * over plain http on the shop LAN is not one; getRandomValues works everywhere.
 */
export function uuidV4(fill: RandomFill = defaultFill): string {
  const b = new Uint8Array(16);
  fill(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
