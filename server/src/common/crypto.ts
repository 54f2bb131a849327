import { createHash, createHmac, randomBytes } from 'node:crypto';

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export const hmac = (secret: string, s: string) => createHmac('sha256', secret).update(s).digest('hex');
/** 256 random bits, URL-safe. */
export const randomToken = () => randomBytes(32).toString('base64url');

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: codes are read off screens
export function randomCode(length = 8): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += CODE_ALPHABET[bytes[i] % CODE_ALPHABET.length];
  return out;
}

/** A stable hash of a request payload, to tell a genuine retry from a reused idempotency key. */
export function payloadHash(value: unknown): string {
  return sha256(JSON.stringify(value, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? sortKeys(v) : v)));
}
function sortKeys(o: Record<string, unknown>) {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}
