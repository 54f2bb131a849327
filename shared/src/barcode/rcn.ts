import { z } from 'zod';
import { BarcodeError, quote } from './barcode-error.js';
import { assertGtin, gtinCheckDigit } from './gtin.js';

/**
 * Restricted-circulation numbers (RCN) for variable-measure items: the scale in the store prints
 * an EAN-13 (GS1 prefixes 20–29) or a UPC-A with number system 2 (prefix 02 in GTIN-13 form) that
 * carries an item reference and the weight or price of this one pack. What the digits mean is
 * set per market by the GS1 Member Organisation, and often per retailer, so the layout is data.
 */
export type RcnValueKind = 'weight_g' | 'price_cents';

export interface RcnLayout {
  /** Names the layout in configuration and in parse results. */
  name: string;
  /** Leading digits of the GTIN-13 form this layout claims, all of one length: `02`, `2`, `20`…`29`. */
  prefixes: readonly string[];
  /** Digits of item reference after the prefix. */
  itemDigits: number;
  valueKind: RcnValueKind;
  /** Digits of weight or price, just before the final check digit. */
  valueDigits: number;
  /** A price/measure verifier digit sits between item reference and value (4- or 5-digit values). */
  priceCheckDigit?: boolean;
  /** Grams or cents per unit of the printed value, e.g. 10 for a scale that prints 10 g steps. Default 1. */
  valueScale?: number;
}

export interface RcnResult {
  layout: string;
  /** Prefix-free item reference as printed, e.g. a PLU. Not unique across prefixes; prefer itemKey. */
  itemReference: string;
  /**
   * GTIN-14 form of the code with value and verifier digit zeroed and the check digit recomputed:
   * the same for every pack of the item, so it is what the catalogue stores for it.
   */
  itemKey: string;
  weightGrams?: number;
  priceCents?: number;
}

const PREFIX = /^(02|2)\d*$/;

/** Everything wrong with one layout, as sentences; empty when the layout is usable. */
export function rcnLayoutProblems(layout: RcnLayout): string[] {
  const problems: string[] = [];
  const label = `RCN layout ${quote(String(layout.name))}`;
  const { prefixes, itemDigits, valueDigits, valueScale } = layout;
  if (!Array.isArray(prefixes) || prefixes.length === 0) return [`${label} has no prefixes`];
  for (const prefix of prefixes) {
    // Anything outside 02 and 2x is a real GTIN that must never be read as a measure.
    if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
      problems.push(`${label}: prefix ${quote(String(prefix))} is not 02 or 2…`);
    }
  }
  const prefixLength = String(prefixes[0]).length;
  if (prefixes.some((p) => String(p).length !== prefixLength)) problems.push(`${label}: prefixes differ in length`);
  if (!Number.isInteger(itemDigits) || itemDigits < 1) {
    problems.push(`${label}: itemDigits must be a positive integer`);
  }
  if (!Number.isInteger(valueDigits) || valueDigits < 1 || valueDigits > 6) {
    problems.push(`${label}: valueDigits must be 1 to 6`);
  }
  if (layout.valueKind !== 'weight_g' && layout.valueKind !== 'price_cents') {
    problems.push(`${label}: unknown valueKind`);
  }
  if (layout.priceCheckDigit && valueDigits !== 4 && valueDigits !== 5) {
    problems.push(`${label}: a price check digit is defined only for 4- or 5-digit values`);
  }
  if (valueScale !== undefined && (!Number.isInteger(valueScale) || valueScale < 1)) {
    problems.push(`${label}: valueScale must be a positive integer`);
  }
  const total = prefixLength + itemDigits + (layout.priceCheckDigit ? 1 : 0) + valueDigits + 1;
  if (problems.length === 0 && total !== 13) {
    problems.push(`${label}: prefix, item, verifier, value and check digits add up to ${total}, not 13`);
  }
  return problems;
}

/** Throws BAD_RCN_LAYOUT when any layout is unusable or two layouts could claim the same code. */
export function validateRcnLayouts(layouts: readonly RcnLayout[]): void {
  const problems = layouts.flatMap(rcnLayoutProblems);
  if (problems.length > 0) throw new BarcodeError('BAD_RCN_LAYOUT', problems.join('; '));
  const claimed = layouts.flatMap((layout) => layout.prefixes.map((prefix) => ({ prefix, name: layout.name })));
  for (const [i, a] of claimed.entries()) {
    for (const b of claimed.slice(i + 1)) {
      if (a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix)) {
        problems.push(`prefix ${a.prefix} (${a.name}) overlaps prefix ${b.prefix} (${b.name})`);
      }
    }
  }
  if (problems.length > 0) throw new BarcodeError('BAD_RCN_LAYOUT', problems.join('; '));
}

/** The hub validates chain configuration with this before sending layouts to the tills. */
export const RcnLayoutSchema = z
  .strictObject({
    name: z.string().min(1).max(64),
    prefixes: z.array(z.string().regex(PREFIX)).min(1).max(20),
    itemDigits: z.number().int().min(1).max(10),
    valueKind: z.enum(['weight_g', 'price_cents']),
    valueDigits: z.number().int().min(1).max(6),
    priceCheckDigit: z.boolean().optional(),
    valueScale: z.number().int().min(1).max(1000).optional(),
  })
  .superRefine((layout, ctx) => {
    for (const message of rcnLayoutProblems(layout)) ctx.addIssue({ code: 'custom', message });
  });

/**
 * Example layouts to start a chain's configuration from — examples, not the law of any market:
 * check the local GS1 Member Organisation's rules and how the store's scales are programmed.
 */
export const RCN_LAYOUT_EXAMPLES = {
  /** US/Canada: UPC-A number system 2, 5-digit item (PLU), price verifier, 4-digit price. */
  usPriceWithVerifier: {
    name: 'us-price-verifier',
    prefixes: ['02'],
    itemDigits: 5,
    priceCheckDigit: true,
    valueKind: 'price_cents',
    valueDigits: 4,
  },
  /** US variant many scales print instead: number system 2, 5-digit item, 5-digit price, no verifier. */
  usPrice: { name: 'us-price', prefixes: ['02'], itemDigits: 5, valueKind: 'price_cents', valueDigits: 5 },
  /** Common European shape 2X IIIII WWWWW C: weight in grams, here on prefixes 21–25. */
  euWeight: {
    name: 'eu-weight',
    prefixes: ['21', '22', '23', '24', '25'],
    itemDigits: 5,
    valueKind: 'weight_g',
    valueDigits: 5,
  },
  /** The same shape with the price in cents, here on prefixes 26–29. */
  euPrice: { name: 'eu-price', prefixes: ['26', '27', '28', '29'], itemDigits: 5, valueKind: 'price_cents', valueDigits: 5 },
  /** 2X IIIII V PPPP C: 4-digit price with verifier, here on prefix 20. */
  euPriceWithVerifier: {
    name: 'eu-price-verifier',
    prefixes: ['20'],
    itemDigits: 5,
    priceCheckDigit: true,
    valueKind: 'price_cents',
    valueDigits: 4,
  },
} as const satisfies Record<string, RcnLayout>;

/** Example sets of layouts, one per market, each free of overlapping prefixes. */
export const RCN_MARKET_EXAMPLES: Readonly<Record<string, readonly RcnLayout[]>> = {
  us: [RCN_LAYOUT_EXAMPLES.usPriceWithVerifier],
  eu: [RCN_LAYOUT_EXAMPLES.euPriceWithVerifier, RCN_LAYOUT_EXAMPLES.euWeight, RCN_LAYOUT_EXAMPLES.euPrice],
};

// Per-digit products of the GS1 price/measure verifier weights 2-, 3, 5+ and 5- (GS1 General
// Specifications 7.9.3): a digit's weighted value is looked up rather than computed.
const W2_MINUS = [0, 2, 4, 6, 8, 9, 1, 3, 5, 7];
const W3 = [0, 3, 6, 9, 2, 5, 8, 1, 4, 7];
const W5_PLUS = [0, 5, 1, 6, 2, 7, 3, 8, 4, 9];
const W5_MINUS = [0, 5, 9, 4, 8, 3, 7, 2, 6, 1];

/** GS1 price/measure verifier digit of a 4- or 5-digit price or weight. */
export function priceCheckDigit(value: string): number {
  if (!/^\d{4,5}$/.test(value)) {
    throw new BarcodeError('BAD_LENGTH', `a price check digit covers 4 or 5 digits, got ${quote(value)}`);
  }
  const d = [...value].map(Number);
  if (d.length === 4) return ((W2_MINUS[d[0]] + W2_MINUS[d[1]] + W3[d[2]] + W5_MINUS[d[3]]) * 3) % 10;
  const sum = W5_PLUS[d[0]] + W2_MINUS[d[1]] + W5_MINUS[d[2]] + W5_PLUS[d[3]] + W2_MINUS[d[4]];
  // The verifier is the digit whose 5- product brings the sum to a multiple of ten.
  return W5_MINUS.indexOf((10 - (sum % 10)) % 10);
}

/**
 * Reads a variable-measure code with the first layout whose prefix it carries. Returns null when
 * no layout claims it (then it is an ordinary fixed code). Throws when the code or the claiming
 * layout is invalid, or the price verifier digit does not match.
 */
export function parseRcn(code: string, layouts: readonly RcnLayout[]): RcnResult | null {
  validateRcnLayouts(layouts);
  assertGtin(code);
  const gtin14 = code.padStart(14, '0');
  // RCNs are GTIN-13s (UPC-A 2… included); GTIN-8s and GTIN-14s with an indicator never are.
  if (code.length === 8 || gtin14[0] !== '0') return null;
  const gtin13 = gtin14.slice(1);
  const layout = layouts.find((l) => l.prefixes.some((p) => gtin13.startsWith(p)));
  if (!layout) return null;

  const itemStart = layout.prefixes[0].length;
  const itemEnd = itemStart + layout.itemDigits;
  const valueStart = itemEnd + (layout.priceCheckDigit ? 1 : 0);
  const value = gtin13.slice(valueStart, valueStart + layout.valueDigits);
  if (layout.priceCheckDigit) {
    const expected = priceCheckDigit(value);
    if (Number(gtin13[itemEnd]) !== expected) {
      throw new BarcodeError(
        'BAD_PRICE_CHECK_DIGIT',
        `price check digit of ${quote(code)} should be ${expected} (layout ${layout.name})`,
      );
    }
  }
  const zeroed = gtin13.slice(0, itemEnd).padEnd(12, '0');
  const amount = Number(value) * (layout.valueScale ?? 1);
  const result: RcnResult = {
    layout: layout.name,
    itemReference: gtin13.slice(itemStart, itemEnd),
    itemKey: `0${zeroed}${gtinCheckDigit(zeroed)}`,
  };
  if (layout.valueKind === 'weight_g') result.weightGrams = amount;
  else result.priceCents = amount;
  return result;
}
