import type { Ack } from '@stockfleet/shared';
import type { DeliveryOutcome } from './outbox-types.js';

/**
 * Codes that say "not now" rather than "never": the entry stays first in line and is retried.
 * Everything else in an error ack is a business refusal (UNKNOWN_PRODUCT, VALIDATION_FAILED, …):
 * the entry is marked rejected, stays visible, and delivery moves on.
 */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'INTERNAL',
  'RATE_LIMITED',
  'UNAUTHENTICATED',
  'DEVICE_TOKEN_INVALID',
  'TERMINAL_REVOKED',
]);

/** Turns a socket ack (or the error thrown by a timed-out / disconnected emit) into an outcome. */
export function classifyAck(ack: Ack<{ duplicate?: boolean } | unknown> | undefined | null, thrown?: unknown): DeliveryOutcome {
  if (thrown !== undefined && thrown !== null) {
    return { type: 'retry', reason: thrown instanceof Error ? thrown.message : String(thrown) };
  }
  if (!ack || typeof ack !== 'object' || typeof (ack as { ok?: unknown }).ok !== 'boolean') {
    return { type: 'retry', reason: 'malformed ack' };
  }
  if (ack.ok) {
    const data = ack.data as { duplicate?: unknown } | null | undefined;
    return { type: 'delivered', duplicate: data?.duplicate === true };
  }
  const code = String(ack.error?.code ?? 'INTERNAL');
  const message = String(ack.error?.message ?? code);
  if (TRANSIENT_CODES.has(code)) return { type: 'retry', reason: `${code}: ${message}` };
  return { type: 'rejected', code, message };
}

/** Exponential backoff with jitter: 1 s, 2 s, 4 s … capped, each scaled into [50 %, 100 %]. */
export function backoffMs(attempt: number, random: () => number = Math.random, baseMs = 1000, maxMs = 30_000): number {
  const n = Math.max(1, Math.floor(attempt));
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(n - 1, 30));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling * (0.5 + r * 0.5));
}
