import { describe, expect, it, jest } from '@jest/globals';
import type { VarianceLineDto } from '@stockfleet/shared';
import {
  countedPercent, filterLines, linesToPost, pushSample, regionsOf, sortLines, sparklinePoints, stocktakeErrorKey, storesInScope, throttle,
  tillsInStores, totalsOf, zoneCodesOf,
} from './stocktake-view';

const line = (over: Partial<VarianceLineDto>): VarianceLineDto => ({
  productId: 'p', sku: 'S', name: 'n', category: 'C', unitCostCents: 100, book: 10, lateSales: 0, soldDuringFreeze: 0, expected: 10, counted: 10, variance: 0,
  varianceValueCents: 0, overThreshold: false, uncounted: false, recountOpen: false, recountRounds: 0, reason: null, ...over,
});
const a = line({ productId: 'a', sku: 'A-10', category: 'Dairy', counted: 6, variance: -4, varianceValueCents: -400, overThreshold: true });
const b = line({ productId: 'b', sku: 'A-2', category: 'Bakery', unitCostCents: 1000, counted: 11, variance: 1, varianceValueCents: 1000 });
const c = line({ productId: 'c', sku: 'B-1', category: 'Dairy', counted: 0, variance: -10, varianceValueCents: -1000, uncounted: true, overThreshold: true });
const d = line({ productId: 'd', sku: 'A-1' });

describe('variance review', () => {
  it('sorts by absolute value, absolute quantity or SKU (natural order), ties by SKU', () => {
    expect(sortLines([a, b, c, d], 'value').map((l) => l.sku)).toEqual(['A-2', 'B-1', 'A-10', 'A-1']);
    expect(sortLines([a, b, c, d], 'variance').map((l) => l.sku)).toEqual(['B-1', 'A-10', 'A-2', 'A-1']);
    expect(sortLines([a, b, c, d], 'sku').map((l) => l.sku)).toEqual(['A-1', 'A-2', 'A-10', 'B-1']);
  });

  it('filters by category, over-threshold and uncounted', () => {
    expect(filterLines([a, b, c, d], { category: 'Dairy', overOnly: false, uncountedOnly: false })).toEqual([a, c]);
    expect(filterLines([a, b, c, d], { category: '', overOnly: true, uncountedOnly: false })).toEqual([a, c]);
    expect(filterLines([a, b, c, d], { category: '', overOnly: false, uncountedOnly: true })).toEqual([c]);
  });

  it('totals are value-weighted: net and absolute', () => {
    expect(totalsOf([a, b, c, d])).toEqual({ lines: 4, withVariance: 3, overThreshold: 2, uncounted: 1, netValueCents: -400, absValueCents: 2400, netQuantity: -13 });
  });

  it('posts every difference in a full count, only counted products in a partial one', () => {
    expect(linesToPost([a, b, c, d], 'full')).toEqual([a, b, c]);
    expect(linesToPost([a, b, c, d], 'categories')).toEqual([a, b]);
  });

  it('names the precise reason of typed hub errors', () => {
    expect(stocktakeErrorKey('ILLEGAL_TRANSITION', 'approve', 'counting')).toBe('stocktake.err.approveCounting');
    expect(stocktakeErrorKey('CONFLICT', 'approve', 'review')).toBe('stocktake.err.recountsOpen');
    expect(stocktakeErrorKey('CONFLICT', 'start', null)).toBe('stocktake.err.busyStore');
    expect(stocktakeErrorKey('FORBIDDEN', 'approve', 'review')).toBeNull();
  });
});

describe('wizard scope', () => {
  const stores = [
    { id: 's1', regionId: 'r1', regionName: 'North', zones: [{ id: 'z1', code: 'BR', name: '', kind: 'aisle' }, { id: 'z2', code: 'A10', name: '', kind: 'aisle' }] },
    { id: 's2', regionId: 'r2', regionName: 'South', zones: [{ id: 'z3', code: 'A2', name: '', kind: 'aisle' }] },
    { id: 's3', regionId: 'r1', regionName: 'North', zones: [] },
  ] as never[] as { id: string; regionId: string; regionName: string; zones: { code: string }[] }[];
  it('resolves chain, regions and stores', () => {
    expect(storesInScope(stores, 'chain', [], []).map((s) => s.id)).toEqual(['s1', 's2', 's3']);
    expect(storesInScope(stores, 'regions', ['r1'], []).map((s) => s.id)).toEqual(['s1', 's3']);
    expect(storesInScope(stores, 'stores', [], ['s2']).map((s) => s.id)).toEqual(['s2']);
    expect(regionsOf(stores as never)).toEqual([{ id: 'r1', name: 'North' }, { id: 'r2', name: 'South' }]);
    expect(zoneCodesOf(stores as never)).toEqual(['A2', 'A10', 'BR']);
  });
  it('counts active tills of the stores', () => {
    expect(tillsInStores([{ storeId: 's1', revoked: false }, { storeId: 's1', revoked: true }, { storeId: 's2', revoked: false }], ['s1'])).toBe(1);
  });
});

describe('live progress', () => {
  it('keeps the last samples and draws them bottom-up', () => {
    let s = pushSample([], 1, 0, 3);
    for (let i = 2; i <= 5; i++) s = pushSample(s, i, i, 3);
    expect(s.map((x) => x.v)).toEqual([3, 4, 5]);
    expect(sparklinePoints([0, 10], 100, 20, 0)).toBe('0,20 100,0');
    expect(sparklinePoints([], 100, 20)).toBe('');
    expect(countedPercent(1, 2)).toBe(50);
    expect(countedPercent(1, 0)).toBeNull();
  });
  it('throttles to one leading and one trailing call', () => {
    jest.useFakeTimers();
    const fn = jest.fn();
    const t = throttle(fn, 1000);
    t(); t(); t();
    expect(fn).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledTimes(2);
    jest.useRealTimers();
  });
});
