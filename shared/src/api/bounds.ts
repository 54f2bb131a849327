import { z } from 'zod';

/**
 * What the database columns hold, so that every number a schema accepts can be stored. Quantities,
 * balances and money totals are PostgreSQL `integer` (int4); sequence numbers and epochs are `bigint`,
 * which holds any safe JavaScript integer; times are `timestamptz`.
 */
export const INT4_MIN = -2_147_483_648;
export const INT4_MAX = 2_147_483_647;

export function fitsInt4(n: number): boolean {
  return Number.isSafeInteger(n) && n >= INT4_MIN && n <= INT4_MAX;
}

/**
 * Latest till clock reading accepted (ms since the epoch): 2100-01-01. `new Date()` fails from
 * 8.64e15 and timestamptz well before JavaScript's end, so an unbounded `at` used to be a 500.
 * The lower bound stays 0: a till whose clock battery died boots in 1970, and the hub places its
 * sales by the clock offset it measures, so those readings are real and must not be refused.
 */
export const EPOCH_MS_MAX = Date.UTC(2100, 0, 1);
export const EpochMsSchema = z.number().int().min(0).max(EPOCH_MS_MAX);

/** Sequence numbers and epochs (bigint columns): any safe integer from 0. */
export const CounterSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A sale's total in cents, as the hub stores it (`sale.total_cents`, int4). */
export function saleTotalCents(lines: ReadonlyArray<{ quantity: number; unitPriceCents: number }>): number {
  return lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
}
