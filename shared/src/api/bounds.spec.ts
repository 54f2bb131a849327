import fc from 'fast-check';
import { CountEntrySchema, TillHeartbeatV1, TillStateV1 } from '../protocol';
import { CounterSchema, EPOCH_MS_MAX, EpochMsSchema, fitsInt4, INT4_MAX, INT4_MIN, saleTotalCents } from './bounds';
import { AdjustmentSchema, ReceiptSchema, SaleSchema } from './inventory';

const STORE = '3f1d2c4b-5a6e-4f70-8a9b-0c1d2e3f4a5b';
const PRODUCT = '11111111-2222-4333-8444-555555555555';
const sale = (over: Record<string, unknown> = {}) => ({
  id: '0190a0b0-0000-7000-8000-000000000001', kind: 'sale', storeId: STORE, seq: 1, at: Date.UTC(2026, 0, 1), tender: 'cash',
  lines: [{ productId: PRODUCT, quantity: 1, unitPriceCents: 150 }], ...over,
});

describe(fitsInt4.name, () => {
  it.each([
    [0, true], [INT4_MAX, true], [INT4_MIN, true], [INT4_MAX + 1, false], [INT4_MIN - 1, false],
    [2 ** 31, false], [1.5, false], [Number.NaN, false], [Number.POSITIVE_INFINITY, false], [Number.MAX_SAFE_INTEGER + 2, false],
  ])('%d → %s', (n, fits) => {
    expect(fitsInt4(n)).toBe(fits);
  });
});

describe('epoch-ms fields', () => {
  it('2100-01-01 is the last accepted reading; what is accepted is a valid Date', () => {
    expect(new Date(EPOCH_MS_MAX).toISOString()).toBe('2100-01-01T00:00:00.000Z');
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double(), fc.constantFrom(8.64e15, 8.64e15 + 1, -1, 2 ** 53, EPOCH_MS_MAX, EPOCH_MS_MAX + 1)), (n) => {
        const r = EpochMsSchema.safeParse(n);
        if (r.success) expect(Number.isNaN(new Date(r.data).getTime())).toBe(false);
        expect(r.success).toBe(Number.isInteger(n) && n >= 0 && n <= EPOCH_MS_MAX);
      }),
    );
  });

  it.each([
    ['a sale at 8.64e15', () => SaleSchema.safeParse(sale({ at: 8.64e15 }))],
    ['a sale at −1', () => SaleSchema.safeParse(sale({ at: -1 }))],
    ['a count line at 8.64e15', () => CountEntrySchema.safeParse({ id: PRODUCT, zoneId: STORE, productId: PRODUCT, quantity: 1, at: 8.64e15, seq: 1 })],
    ['a heartbeat at 1e16', () => TillHeartbeatV1.safeParse({ sentAt: 1e16 })],
    ['a previous round at 2^60', () => TillHeartbeatV1.safeParse({ sentAt: 1, previous: { sentAt: 2 ** 60, hubAt: 1, receivedAt: 1 } })],
  ])('refuses %s', (_name, parse) => {
    expect(parse().success).toBe(false);
  });

  it('still accepts a till clock in 1970 (dead clock battery): the hub places it by the measured offset', () => {
    expect(SaleSchema.safeParse(sale({ at: 5_000 })).success).toBe(true);
  });
});

describe('counters (bigint columns)', () => {
  it.each([[-1], [2 ** 53], [1.5]])('refuses %d', (n) => {
    expect(CounterSchema.safeParse(n).success).toBe(false);
    expect(TillStateV1.safeParse({ mode: 'selling', epoch: n, appVersion: '1', scanner: { kind: 'none', status: 'ready' }, outboxDepth: 0, lastSaleSeq: 0 }).success).toBe(false);
  });
});

describe(saleTotalCents.name, () => {
  it('adds quantity × unit price over the lines', () => {
    expect(saleTotalCents([{ quantity: 2, unitPriceCents: 150 }, { quantity: 1, unitPriceCents: 99 }])).toBe(399);
  });

  it('schema-valid sales can total far beyond int4: that is why the hub checks the total before storing', () => {
    const huge = sale({ lines: [{ productId: PRODUCT, quantity: 1_000_000, unitPriceCents: 100_000_000 }] });
    const parsed = SaleSchema.parse(huge);
    expect(fitsInt4(saleTotalCents(parsed.lines))).toBe(false);
  });
});

describe('quantities', () => {
  it('refuse 2^31 and beyond in every movement schema', () => {
    const line = { productId: PRODUCT, quantity: 2 ** 31 };
    expect(ReceiptSchema.safeParse({ idempotencyKey: 'receipt:12345678', storeId: STORE, lines: [line] }).success).toBe(false);
    expect(AdjustmentSchema.safeParse({ idempotencyKey: 'adjust:12345678', storeId: STORE, reason: 'damage', lines: [line] }).success).toBe(false);
    expect(SaleSchema.safeParse(sale({ lines: [{ ...line, unitPriceCents: 1 }] })).success).toBe(false);
  });
});
