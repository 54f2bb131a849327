import fc from 'fast-check';
import { ErrorCode, isPermanentRefusal } from '@stockfleet/shared';
import { backoffMs, classifyAck, isPermanentError } from './ack-outcome.js';

describe(classifyAck.name, () => {
  it('an ok ack is delivered, duplicate or not', () => {
    expect(classifyAck({ ok: true, data: { saleId: 'x', duplicate: false } })).toEqual({ type: 'delivered', duplicate: false });
    expect(classifyAck({ ok: true, data: { saleId: 'x', duplicate: true } })).toEqual({ type: 'delivered', duplicate: true });
  });

  it.each(['UNKNOWN_PRODUCT', 'VALIDATION_FAILED', 'OUT_OF_SCOPE', 'IDEMPOTENCY_CONFLICT'] as const)('%s is a rejection', (code) => {
    expect(classifyAck({ ok: false, error: { code, message: 'no' } })).toEqual({ type: 'rejected', code, message: 'no' });
  });

  it.each(['INTERNAL', 'RATE_LIMITED', 'UNAUTHENTICATED', 'DEVICE_TOKEN_INVALID'] as const)('%s is retried', (code) => {
    expect(classifyAck({ ok: false, error: { code, message: 'later' } }).type).toBe('retry');
  });

  it('follows the hub when it says a refusal is permanent or not, whatever the code', () => {
    expect(classifyAck({ ok: false, error: { code: 'OUT_OF_RANGE', message: 'total too big', permanent: true } })).toEqual({ type: 'rejected', code: 'OUT_OF_RANGE', message: 'total too big' });
    expect(classifyAck({ ok: false, error: { code: 'INTERNAL', message: 'never', permanent: true } }).type).toBe('rejected');
    expect(classifyAck({ ok: false, error: { code: 'CONFLICT', message: 'later', permanent: false } }).type).toBe('retry');
  });

  it('without the flag (an older hub), classifies by the shared rule: one home for both sides', () => {
    for (const code of Object.values(ErrorCode)) {
      expect(isPermanentError({ code })).toBe(isPermanentRefusal(code));
    }
    expect(isPermanentError({ code: 'OUT_OF_RANGE' })).toBe(true);
    expect(isPermanentError(undefined)).toBe(false);
  });

  it('a timeout (thrown) or a malformed ack is retried', () => {
    expect(classifyAck(null, new Error('operation has timed out'))).toEqual({ type: 'retry', reason: 'operation has timed out' });
    expect(classifyAck(undefined).type).toBe('retry');
    expect(classifyAck({ nonsense: true } as never).type).toBe('retry');
  });
});

describe(backoffMs.name, () => {
  it('grows exponentially from 1 s and is capped at 30 s', () => {
    const mid = () => 1;
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((a) => backoffMs(a, mid))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('always lies between half and all of its ceiling', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 1000 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const ms = backoffMs(attempt, () => r);
        const ceiling = Math.min(30_000, 1000 * 2 ** Math.min(Math.max(1, attempt) - 1, 30));
        return ms >= ceiling / 2 - 1 && ms <= ceiling;
      }),
    );
  });
});
