import { isIPv4, isIPv6 } from 'node:net';
import { sha256 } from '../crypto.js';

/** One counter: at most `limit` counted attempts on `subject` per window of `windowSeconds`. */
export interface LimitRule {
  /** Names the limit in the RATE_LIMITED details and the audit log, e.g. `pin.store`. */
  name: string;
  /** What is counted (a till's id, an account, an address); part of the Redis key. */
  subject: string;
  limit: number;
  windowSeconds: number;
}

/**
 * Staff PINs (4–8 digits: a store with 3 staff has ~1 in 3,000 chance per guess). The till limit stops
 * one till hammering; the store limit bounds the whole sweep and is below two tills' worth, so every
 * further (or stolen) till adds no guesses; the hourly store limit keeps a day's sweep to ~1,000 of the
 * 9,000 four-digit PINs instead of all of them. People who type their PIN right never use the budget
 * (see CredentialLimits), so these only bite on wrong PINs: a store with 40 wrong PINs in an hour is
 * under attack, and the refusals are in its audit log.
 */
export const PIN_LIMITS = { perTillPerMinute: 5, perStorePerMinute: 8, perStorePerHour: 40 } as const;

/**
 * Admin sign-in. Account + address first, so one address is slowed to 5 guesses a minute on one
 * account; the account's own ceiling (20 per 15 minutes, from anywhere) caps a distributed guess, and
 * one address needs 4 minutes to use it up; the address ceiling (20 a minute across accounts) caps
 * password spraying from one place. A whole office behind one NAT only shares failures, never successes.
 */
export const LOGIN_LIMITS = { perAccountAddressPerMinute: 5, perAccountPer15Minutes: 20, perAddressPerMinute: 20 } as const;

export function pinLimits(till: { terminalId: string; storeId: string }): LimitRule[] {
  return [
    { name: 'pin.till', subject: till.terminalId, limit: PIN_LIMITS.perTillPerMinute, windowSeconds: 60 },
    { name: 'pin.store', subject: till.storeId, limit: PIN_LIMITS.perStorePerMinute, windowSeconds: 60 },
    { name: 'pin.store_hour', subject: till.storeId, limit: PIN_LIMITS.perStorePerHour, windowSeconds: 3600 },
  ];
}

export function loginLimits(email: string, address: string | null): LimitRule[] {
  // Hashed: e-mail addresses stay out of Redis keys, and a long one cannot make a long key.
  const account = sha256(email.trim().toLowerCase()).slice(0, 32);
  const from = addressBucket(address);
  return [
    { name: 'login.account_address', subject: `${account}|${from}`, limit: LOGIN_LIMITS.perAccountAddressPerMinute, windowSeconds: 60 },
    { name: 'login.account', subject: account, limit: LOGIN_LIMITS.perAccountPer15Minutes, windowSeconds: 900 },
    { name: 'login.address', subject: from, limit: LOGIN_LIMITS.perAddressPerMinute, windowSeconds: 60 },
  ];
}

/** Enrolment codes: per address only (a till has no identity before it pairs). */
export function enrolLimits(address: string | null, perMinute: number): LimitRule[] {
  return [{ name: 'enrol.address', subject: addressBucket(address), limit: perMinute, windowSeconds: 60 }];
}

/**
 * The unit an address is counted in: an IPv4 address as it is (also when IPv4-mapped), an IPv6 address
 * by its /64 — one subscriber usually holds a whole /64, and counting single addresses would give them
 * 2^64 buckets.
 */
export function addressBucket(address: string | null | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1];
  if (isIPv4(address)) return address;
  const bare = address.split('%')[0];
  if (!isIPv6(bare)) return address;
  const groups = (part: string) => (part ? part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : []);
  const [head, tail] = bare.split('::');
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const full = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${full.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}
