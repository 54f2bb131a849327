import { groupParts, partRowsOf, type PartStore } from './report-parts';

const stores = (lines: Array<number | null>): PartStore[] => lines.map((n, i) => ({ store_id: `s${i}`, code: `S${String(i).padStart(4, '0')}`, lines: n }));

describe('chain report parts', () => {
  it('groups consecutive stores into parts of about partRows lines, in the order given', () => {
    const parts = groupParts(stores(Array(500).fill(20_000)), 2_000_000);
    expect(parts).toHaveLength(5);
    expect(parts.map((p) => p.storeIds.length)).toEqual([100, 100, 100, 100, 100]);
    expect(parts.flatMap((p) => p.storeIds)).toEqual(stores(Array(500).fill(0)).map((s) => s.store_id));
    expect(parts.map((p) => p.key)).toEqual(['s0', 's100', 's200', 's300', 's400']);
  });

  it('closes a part once it reaches partRows: uneven stores, a store bigger than a part alone', () => {
    const parts = groupParts(stores([5, 3, 2, 9, 1, 1, 0, null]), 6);
    expect(parts.map((p) => p.storeIds)).toEqual([['s0', 's1'], ['s2', 's3'], ['s4', 's5', 's6', 's7']]);
    expect(parts.map((p) => p.lines)).toEqual([8, 11, 4]); // a store with no known lines weighs 1
  });

  it('is one store per part for reports queued before parts were grouped, and nothing for no stores', () => {
    expect(partRowsOf({})).toBe(1);
    expect(partRowsOf(null)).toBe(1);
    expect(partRowsOf({ partRows: 2_000_000 })).toBe(2_000_000);
    expect(groupParts(stores([20_000, 20_000, 3]), partRowsOf({})).map((p) => p.storeIds)).toEqual([['s0'], ['s1'], ['s2']]);
    expect(groupParts([], 1000)).toEqual([]);
  });
});
