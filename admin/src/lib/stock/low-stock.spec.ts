import { describe, expect, it } from '@jest/globals';
import type { BalanceDto } from '@stockfleet/shared';
import { mergeLowStock, shortfall } from './low-stock';

const bal = (storeId: string, sku: string, onHand: number, lowStockThreshold: number): BalanceDto => ({
  storeId, productId: `${storeId}-${sku}`, sku, name: sku, category: 'c', onHand, lowStockThreshold, low: onHand <= lowStockThreshold,
});
const names: Record<string, string> = { a: 'Alpha', b: 'Beta' };

describe(shortfall.name, () => {
  it('is how far below the threshold, never negative', () => {
    expect(shortfall({ onHand: 2, lowStockThreshold: 10 })).toBe(8);
    expect(shortfall({ onHand: -3, lowStockThreshold: 2 })).toBe(5);
    expect(shortfall({ onHand: 12, lowStockThreshold: 10 })).toBe(0);
  });
});

describe(mergeLowStock.name, () => {
  it('puts the biggest shortfall first, then store and SKU, and counts failed and cut-off stores', () => {
    const sut = mergeLowStock(
      [
        { items: [bal('b', 'X', 1, 5), bal('b', 'A', 0, 4)], total: 3, limit: 2, offset: 0 },
        null,
        { items: [bal('a', 'Z', 0, 4), bal('a', 'Y', 0, 20)], total: 2, limit: 2, offset: 0 },
      ],
      (id) => names[id],
    );
    expect(sut.rows.map((r) => `${r.storeId}:${r.sku}:${r.shortfall}`)).toEqual(['a:Y:20', 'a:Z:4', 'b:A:4', 'b:X:4']);
    expect(sut.truncatedStores).toBe(1);
    expect(sut.failedStores).toBe(1);
  });
});
