import { isPermanentRefusal, type Ack } from '@stockfleet/shared';
import type { DeliveryOutcome } from './outbox-types.js';

/**
 * Whether an error ack says "never" rather than "not now". The hub says it (`permanent`, e.g. a sale
 * whose total can never be stored, or a payload its schema refuses); an ack without the flag (an
 * older hub) is classified by its code with the same shared rule. A permanent refusal is marked
 * rejected, stays visible on the till, and delivery moves on; anything else stays first in line.
 */
export function isPermanentError(error: { code?: unknown; permanent?: unknown } | null | undefined): boolean {
  if (typeof error?.permanent === 'boolean') return error.permanent;
  return isPermanentRefusal(String(error?.code ?? 'INTERNAL'));
}

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
  if (!isPermanentError(ack.error)) return { type: 'retry', reason: `${code}: ${message}` };
  return { type: 'rejected', code, message };
}

/** Exponential backoff with jitter: 1 s, 2 s, 4 s … capped, each scaled into [50 %, 100 %]. */
export function backoffMs(attempt: number, random: () => number = Math.random, baseMs = 1000, maxMs = 30_000): number {
  const n = Math.max(1, Math.floor(attempt));
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(n - 1, 30));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling * (0.5 + r * 0.5));
}
