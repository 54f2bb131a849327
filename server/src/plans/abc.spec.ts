import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { AbcSettingsSchema } from '@stockfleet/shared';
import { classCounts, classify, dueForCount, isDue, type AbcInput } from './abc';

const settings = AbcSettingsSchema.parse({});
const NOW = new Date('2026-06-30T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
const p = (sku: string, valueCents: number, lastCountedAt: Date | null = null): AbcInput => ({ productId: `id-${sku}`, sku, name: sku, unitsSold: valueCents, valueCents, lastCountedAt });
const classes = (rows: ReturnType<typeof classify>) => Object.fromEntries(rows.map((r) => [r.sku, r.cls]));

describe(classify.name, () => {
  it.each([
    {
      what: 'the Pareto split: 80 % of value is A, the next 15 % B, the tail C',
      input: [p('a', 5000), p('b', 3000), p('c', 1000), p('d', 500), p('e', 300), p('f', 200)],
      // before a = 0, b = .5, c = .8, d = .9, e = .95, f = .98
      expected: { a: 'A', b: 'A', c: 'B', d: 'B', e: 'C', f: 'C' },
    },
    {
      what: 'the product that carries the share across a threshold keeps the better class',
      input: [p('big', 9000), p('mid', 500), p('small', 500)],
      expected: { big: 'A', mid: 'B', small: 'B' },
    },
    {
      what: 'products never sold are C, even when nothing sold at all',
      input: [p('x', 0), p('y', 0)],
      expected: { x: 'C', y: 'C' },
    },
    {
      what: 'equal values share a class whatever their order',
      // one at a time, the fifth would start at 80 % and fall to B
      input: [p('z', 1000), p('m', 1000), p('a', 1000), p('q', 1000), p('k', 1000), p('n', 0)],
      expected: { z: 'A', m: 'A', a: 'A', q: 'A', k: 'A', n: 'C' },
    },
    {
      what: 'negative value (returns over sales) counts as nothing moved',
      input: [p('r', -400), p('s', 100)],
      expected: { r: 'C', s: 'A' },
    },
  ])('$what', ({ input, expected }) => {
    const sut = classify(input, settings, NOW);
    expect(classes(sut)).toEqual(expected);
    expect(sut.map((r) => r.valueCents)).toEqual([...sut.map((r) => r.valueCents)].sort((a, b) => b - a));
  });

  it('marks a product due when never counted or counted at least its class interval ago', () => {
    const sut = classify([p('a', 9000, daysAgo(6)), p('a2', 8000, daysAgo(7)), p('b', 1500, daysAgo(29)), p('c', 0, daysAgo(90)), p('c2', 0, daysAgo(89)), p('n', 0)], settings, NOW);
    expect(Object.fromEntries(sut.map((r) => [r.sku, [r.cls, r.due]]))).toEqual({
      a: ['A', false], a2: ['A', true], b: ['B', false], c: ['C', true], c2: ['C', false], n: ['C', true],
    });
  });
});

describe(isDue.name, () => {
  it.each([
    ['A', null, true],
    ['A', 6.99, false],
    ['A', 7, true],
    ['B', 29, false],
    ['B', 30, true],
    ['C', 89, false],
    ['C', 90, true],
  ] as const)('class %s counted %s days ago → due %s', (cls, ago, due) => {
    expect(isDue(ago === null ? null : daysAgo(ago), cls, settings, NOW)).toBe(due);
  });
});

describe(dueForCount.name, () => {
  it('takes due products A first, then by value, at most maxProducts', () => {
    const rows = classify([p('a1', 5000), p('a2', 4000, daysAgo(1)), p('a3', 3500), p('b1', 600), p('c1', 100), p('c2', 0)], settings, NOW);
    expect(dueForCount(rows, 10).map((r) => r.sku)).toEqual(['a1', 'a3', 'b1', 'c1', 'c2']);
    expect(dueForCount(rows, 2).map((r) => r.sku)).toEqual(['a1', 'a3']);
    expect(classCounts(dueForCount(rows, 4))).toEqual({ A: 2, B: 1, C: 1 });
    expect(dueForCount(rows, 0)).toEqual([]);
  });
});

const ORDER = { A: 0, B: 1, C: 2 } as const;
const arbInputs = fc.uniqueArray(fc.record({ sku: fc.string({ minLength: 1, maxLength: 6 }), value: fc.oneof(fc.integer({ min: -1000, max: 1_000_000 }), fc.integer({ min: -1, max: 6 }).map((v) => v * 1000)), counted: fc.option(fc.integer({ min: 0, max: 400 })) }), { selector: (r) => r.sku, maxLength: 60 })
  .map((rs) => rs.map((r) => p(r.sku, r.value, r.counted === null ? null : daysAgo(r.counted))));
const arbSettings = fc.record({ a: fc.double({ min: 0.05, max: 0.9, noNaN: true }), gap: fc.double({ min: 0.01, max: 0.09, noNaN: true }) })
  .map(({ a, gap }) => AbcSettingsSchema.parse({ aShare: a, bShare: Math.min(0.99, a + gap) }));

describe('ABC properties', () => {
  it('classes are monotone in value: more value never means a worse class; equal value, equal class', () => {
    fc.assert(fc.property(arbInputs, arbSettings, (inputs, s) => {
      const rows = classify(inputs, s, NOW);
      for (const x of rows) for (const y of rows) {
        if (x.valueCents > y.valueCents) expect(ORDER[x.cls]).toBeLessThanOrEqual(ORDER[y.cls]);
        if (x.valueCents === y.valueCents) expect(x.cls).toBe(y.cls);
      }
    }));
  });

  it('A holds at least aShare of the value moved (when anything moved), and nothing unsold is A or B', () => {
    fc.assert(fc.property(arbInputs, arbSettings, (inputs, s) => {
      const rows = classify(inputs, s, NOW);
      const total = rows.reduce((t, r) => t + r.valueCents, 0);
      const a = rows.filter((r) => r.cls === 'A').reduce((t, r) => t + r.valueCents, 0);
      if (total > 0) expect(a / total).toBeGreaterThanOrEqual(s.aShare - 1e-9);
      expect(rows.filter((r) => r.valueCents === 0).every((r) => r.cls === 'C')).toBe(true);
      expect(rows).toHaveLength(inputs.length);
    }));
  });

  it('a run takes only due products, never more than maxProducts, and every due A before any due B or C', () => {
    fc.assert(fc.property(arbInputs, fc.integer({ min: 1, max: 80 }), (inputs, max) => {
      const rows = classify(inputs, settings, NOW);
      const sut = dueForCount(rows, max);
      const due = rows.filter((r) => r.due);
      expect(sut).toHaveLength(Math.min(max, due.length));
      expect(sut.every((r) => r.due)).toBe(true);
      for (let i = 1; i < sut.length; i++) expect(ORDER[sut[i - 1].cls]).toBeLessThanOrEqual(ORDER[sut[i].cls]);
      const taken = new Set(sut.map((r) => r.productId));
      const left = due.filter((r) => !taken.has(r.productId));
      for (const l of left) for (const t of sut) expect(ORDER[t.cls] < ORDER[l.cls] || (t.cls === l.cls && t.valueCents >= l.valueCents)).toBe(true);
    }));
  });
});
