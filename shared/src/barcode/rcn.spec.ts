import fc from 'fast-check';
import type { BarcodeProblem } from './barcode-error.js';
import { gtinCheckDigit, isValidGtin } from './gtin.js';
import {
  RCN_LAYOUT_EXAMPLES,
  RCN_MARKET_EXAMPLES,
  type RcnLayout,
  RcnLayoutSchema,
  parseRcn,
  priceCheckDigit,
  rcnLayoutProblems,
  validateRcnLayouts,
} from './rcn.js';

const withProblem = (problem: BarcodeProblem) => expect.objectContaining({ problem });
const withCheck = (body: string) => `${body}${gtinCheckDigit(body)}`;
const { us, eu } = RCN_MARKET_EXAMPLES;

describe(priceCheckDigit.name, () => {
  it.each([
    // Worked examples of GS1 General Specifications 7.9.3 (4-digit and 5-digit price fields).
    ['2875', 9],
    ['14685', 6],
    ['0000', 0],
    ['00000', 0],
    ['0299', 6],
  ])('%s → %i', (value, digit) => {
    expect(priceCheckDigit(value)).toBe(digit);
  });

  it.each(['123', '123456', '12a4'])('rejects %j', (value) => {
    expect(() => priceCheckDigit(value)).toThrow(withProblem('BAD_LENGTH'));
  });

  it('changes when any one digit of the value changes', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{4,5}$/), fc.nat(), fc.integer({ min: 1, max: 9 }), (value, at, delta) => {
        const i = at % value.length;
        const changed = `${value.slice(0, i)}${(Number(value[i]) + delta) % 10}${value.slice(i + 1)}`;
        return priceCheckDigit(changed) !== priceCheckDigit(value);
      }),
    );
  });
});

describe(parseRcn.name, () => {
  it.each([
    // US: UPC-A 2 12345 [6] 0299 → $2.99, as UPC-A, GTIN-13 and GTIN-14.
    ['212345602997', us, { layout: 'us-price-verifier', itemReference: '12345', itemKey: '00212345000007', priceCents: 299 }],
    ['0212345602997', us, { itemKey: '00212345000007', priceCents: 299 }],
    ['00212345602997', us, { itemKey: '00212345000007', priceCents: 299 }],
    // 21 12345 01250: 1.250 kg.
    ['2112345012506', eu, { layout: 'eu-weight', itemReference: '12345', itemKey: '02112345000008', weightGrams: 1250 }],
    // 20 12345 [9] 2875: the GS1 4-digit verifier example.
    ['2012345928756', eu, { layout: 'eu-price-verifier', itemKey: '02012345000001', priceCents: 2875 }],
    ['2612345146855', eu, { layout: 'eu-price', itemKey: '02612345000003', priceCents: 14685 }],
  ])('%s', (code, layouts, expected) => {
    expect(parseRcn(code, layouts)).toMatchObject(expected);
  });

  it('checks a 5-digit price verifier (GS1 example 14685 → 6)', () => {
    const layout: RcnLayout = { name: 'p5v', prefixes: ['29'], itemDigits: 4, priceCheckDigit: true, valueKind: 'price_cents', valueDigits: 5 };
    expect(parseRcn('2912346146855', [layout])).toMatchObject({ itemKey: '02912340000009', priceCents: 14685 });
    expect(() => parseRcn(withCheck('291234714685'), [layout])).toThrow(withProblem('BAD_PRICE_CHECK_DIGIT'));
  });

  it('applies valueScale', () => {
    const layout: RcnLayout = { name: 'w10', prefixes: ['23'], itemDigits: 5, valueKind: 'weight_g', valueDigits: 5, valueScale: 10 };
    expect(parseRcn(withCheck('231234500125'), [layout])?.weightGrams).toBe(1250);
  });

  it.each([
    ['4006381333931', eu], // a real GTIN
    ['2112345012506', us], // prefix 21 is not claimed by the US layout
    ['212345602997', eu], // nor 02 by the European ones
    ['96385074', eu], // GTIN-8
    ['12112345012503', eu], // GTIN-14 with an indicator digit
    ['2112345012506', []],
  ])('%s is not a variable-measure code under these layouts', (code, layouts) => {
    expect(parseRcn(code, layouts)).toBeNull();
  });

  it.each<[string, BarcodeProblem]>([
    ['2012345828759', 'BAD_PRICE_CHECK_DIGIT'],
    ['2112345012507', 'BAD_CHECK_DIGIT'],
    ['21123450125', 'BAD_LENGTH'],
  ])('%s → %s', (code, problem) => {
    expect(() => parseRcn(code, eu)).toThrow(withProblem(problem));
  });

  it('gives every pack of an item the same itemKey, and reads back the value printed', () => {
    const layouts = Object.values(RCN_LAYOUT_EXAMPLES) as RcnLayout[];
    fc.assert(
      fc.property(fc.constantFrom(...layouts), fc.nat(), fc.nat(), fc.nat(), (layout, p, item, value) => {
        const prefix = layout.prefixes[p % layout.prefixes.length];
        const itemRef = String(item % 10 ** layout.itemDigits).padStart(layout.itemDigits, '0');
        const v = String(value % 10 ** layout.valueDigits).padStart(layout.valueDigits, '0');
        const verifier = layout.priceCheckDigit ? String(priceCheckDigit(v)) : '';
        const code = withCheck(`${prefix}${itemRef}${verifier}${v}`.slice(-12));
        const zero = withCheck(`${prefix}${itemRef}${verifier.replace(/\d/, '0')}${'0'.repeat(v.length)}`.slice(-12));
        const parsed = parseRcn(code, [layout]);
        expect(parsed).toMatchObject({ itemReference: itemRef, itemKey: zero.padStart(14, '0') });
        expect(parsed?.weightGrams ?? parsed?.priceCents).toBe(Number(v));
        expect(isValidGtin(parsed?.itemKey ?? '')).toBe(true);
      }),
    );
  });
});

describe(validateRcnLayouts.name, () => {
  const base: RcnLayout = { name: 'x', prefixes: ['21'], itemDigits: 5, valueKind: 'weight_g', valueDigits: 5 };

  it('accepts the examples', () => {
    for (const layouts of Object.values(RCN_MARKET_EXAMPLES)) expect(() => validateRcnLayouts(layouts)).not.toThrow();
  });

  it.each<[string, Partial<RcnLayout>, RegExp]>([
    ['a real GS1 prefix', { prefixes: ['40'] }, /not 02 or 2/],
    ['prefixes of different lengths', { prefixes: ['21', '2'] }, /differ in length/],
    ['no prefixes', { prefixes: [] }, /no prefixes/],
    ['too few digits', { itemDigits: 4 }, /add up to 12, not 13/],
    ['verifier on a 3-digit value', { itemDigits: 6, valueDigits: 3, priceCheckDigit: true }, /4- or 5-digit/],
    ['fractional scale', { valueScale: 2.5 }, /valueScale/],
  ])('rejects %s', (_label, change, message) => {
    expect(() => validateRcnLayouts([{ ...base, ...change }])).toThrow(message);
    expect(rcnLayoutProblems({ ...base, ...change })).not.toEqual([]);
  });

  it('rejects two layouts that claim the same codes', () => {
    expect(() => validateRcnLayouts([base, { ...base, name: 'y', prefixes: ['2'], itemDigits: 6 }])).toThrow(
      withProblem('BAD_RCN_LAYOUT'),
    );
  });

  it('makes parseRcn refuse to guess with a bad configuration', () => {
    expect(() => parseRcn('2112345012506', [{ ...base, itemDigits: 4 }])).toThrow(withProblem('BAD_RCN_LAYOUT'));
  });
});

describe('RcnLayoutSchema', () => {
  it('accepts a layout and rejects an inconsistent one with the same message', () => {
    expect(RcnLayoutSchema.safeParse(RCN_LAYOUT_EXAMPLES.usPriceWithVerifier).success).toBe(true);
    const bad = RcnLayoutSchema.safeParse({ ...RCN_LAYOUT_EXAMPLES.euWeight, itemDigits: 4 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.message).join()).toMatch(/add up to 12/);
  });
});
