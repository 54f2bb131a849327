import { BarcodeError, quote } from './barcode-error.js';
import { type AiSpec, GS1_CHARSET_82, aiSpec, lookupAi } from './gs1-ai.js';
import { hasValidCheckDigit } from './gtin.js';
import { stripSymbologyId } from './symbology-id.js';

/** ASCII group separator: how scanners transmit an FNC1 that ends a variable-length value. */
export const GROUP_SEPARATOR = '\x1d';
const GS = GROUP_SEPARATOR;

export interface Gs1Element {
  ai: string;
  value: string;
}

/** A parsed GS1 element string: every element in order, plus the ones the stocktake uses, typed. */
export interface Gs1Data {
  elements: Gs1Element[];
  /** AI 01, GTIN-14 of the trade item. */
  gtin?: string;
  /** AI 02, GTIN-14 of the items inside a logistic unit (goes with AI 37). */
  contentGtin?: string;
  /** AI 00, SSCC of a logistic unit (pallet, roll cage). */
  sscc?: string;
  /** AI 10. */
  batch?: string;
  /** AI 17 as an ISO date (YYYY-MM-DD); day 00 means the last day of the month. */
  expiry?: string;
  /** AI 21. */
  serial?: string;
  /** AI 30, number of items in a variable-count trade item. */
  count?: number;
  /** AI 37, number of trade items (AI 02) in a logistic unit. */
  contentCount?: number;
  /** AI 310n: six digits with n decimals, in kilograms. */
  netWeightKg?: number;
}

export interface Gs1ParseOptions {
  /**
   * Strings that stand for FNC1 besides GS. Keyboard-wedge scanners often cannot type GS and are
   * set to send a substitute instead; pick one outside character set 82 (e.g. `~`, `|`, `^`) so it
   * can never be part of a value.
   */
  separators?: readonly string[];
  /**
   * The current year, for the GS1 rule that puts YY within -49..+50 years of today. Without it
   * YY means 20YY, right for any date this century and free of a hidden clock read.
   */
  referenceYear?: number;
}

interface RawElement {
  spec: AiSpec;
  value: string;
}

/**
 * Parses a GS1 element string as a scanner sends it — optional GS1 symbology identifier, AIs
 * run together, FNC1 as GS after variable-length values — or in the bracketed human-readable
 * form `(01)09501101020917(17)190508`. Throws a BarcodeError naming the AI at fault.
 */
export function parseGs1ElementString(input: string, options: Gs1ParseOptions = {}): Gs1Data {
  const stripped = stripSymbologyId(input);
  if (stripped.family !== 'gs1' && stripped.family !== 'none') {
    throw new BarcodeError('NOT_GS1', `${stripped.symbology ?? stripped.symbologyId} data is not a GS1 element string`);
  }
  let data = stripped.data;
  for (const separator of options.separators ?? []) {
    if (separator.length > 0) data = data.split(separator).join(GS);
  }
  if (data.replaceAll(GS, '').length === 0) throw new BarcodeError('EMPTY', 'the GS1 element string is empty');
  const { referenceYear } = options;
  let elements: RawElement[];
  if (data.startsWith('(')) {
    elements = splitBracketed(data);
    for (const element of elements) checkValue(element, referenceYear);
  } else {
    elements = splitRaw(data, referenceYear);
  }
  return interpret(elements, referenceYear);
}

function splitRaw(data: string, referenceYear: number | undefined): RawElement[] {
  const out: RawElement[] = [];
  let pos = 0;
  while (pos < data.length) {
    // A leading FNC1, one after a fixed-length value (optional but common) or a trailing one.
    if (data[pos] === GS) {
      pos++;
      continue;
    }
    const spec = lookupAi(data, pos);
    if (!spec) {
      const at = quote(data.slice(pos, pos + 4));
      throw new BarcodeError('UNKNOWN_AI', `unknown application identifier ${at} at position ${pos} of ${quote(data)}`);
    }
    const start = pos + spec.ai.length;
    let end: number;
    if (spec.fixed) {
      end = start + spec.length;
    } else {
      const separator = data.indexOf(GS, start);
      end = separator < 0 ? data.length : separator;
    }
    const element = { spec, value: data.slice(start, Math.min(end, data.length)) };
    // Checked as we go: a bad value usually derails what follows, so it is the error to report.
    checkValue(element, referenceYear);
    out.push(element);
    pos = end;
  }
  return out;
}

function splitBracketed(data: string): RawElement[] {
  const marks: { spec: AiSpec; at: number; valueStart: number }[] = [];
  for (const m of data.matchAll(/\((\d{2,4})\)/g)) {
    const spec = aiSpec(m[1]);
    if (spec) marks.push({ spec, at: m.index, valueStart: m.index + m[0].length });
  }
  if (marks.length === 0 || marks[0].at !== 0) {
    throw new BarcodeError('UNKNOWN_AI', `unknown application identifier at the start of ${quote(data)}`);
  }
  return marks.map((mark, i) => ({
    spec: mark.spec,
    value: data.slice(mark.valueStart, i + 1 < marks.length ? marks[i + 1].at : data.length),
  }));
}

function checkValue({ spec, value }: RawElement, referenceYear: number | undefined): void {
  const label = `AI (${spec.ai}) ${spec.title}`;
  if (value.length === 0) throw new BarcodeError('BAD_AI_VALUE', `${label} has no value`);
  if (spec.fixed && value.length !== spec.length) {
    throw new BarcodeError('BAD_AI_VALUE', `${label} needs ${spec.length} characters, got ${quote(value)}`);
  }
  if (!spec.fixed && value.length > spec.length) {
    throw new BarcodeError(
      'BAD_AI_VALUE',
      `${label} is longer than ${spec.length} characters (${quote(value)}); is an FNC1/GS separator missing?`,
    );
  }
  const allowed = spec.charset === 'N' ? /^\d+$/ : GS1_CHARSET_82;
  if (!allowed.test(value)) {
    const what = spec.charset === 'N' ? 'digits only' : 'GS1 character set 82 only';
    throw new BarcodeError('BAD_AI_VALUE', `${label} takes ${what}, got ${quote(value)}`);
  }
  if (spec.checkDigit && !hasValidCheckDigit(value)) {
    throw new BarcodeError('BAD_CHECK_DIGIT', `${label} ${quote(value)} has a wrong check digit`);
  }
  if (spec.date) {
    try {
      gs1DateToIso(value, referenceYear);
    } catch (err) {
      if (err instanceof BarcodeError) throw new BarcodeError(err.problem, `${label}: ${err.message}`);
      throw err;
    }
  }
}

function interpret(raw: RawElement[], referenceYear: number | undefined): Gs1Data {
  const values = new Map<string, string>();
  const elements: Gs1Element[] = [];
  for (const element of raw) {
    const { ai } = element.spec;
    const earlier = values.get(ai);
    if (earlier !== undefined) {
      // Repeating an AI with the same value is harmless; with another value the item is ambiguous.
      if (earlier !== element.value) {
        throw new BarcodeError('DUPLICATE_AI', `AI (${ai}) appears twice with different values`);
      }
      continue;
    }
    values.set(ai, element.value);
    elements.push({ ai, value: element.value });
  }

  const out: Gs1Data = { elements };
  const text = (ai: string): string | undefined => values.get(ai);
  const gtin = text('01');
  if (gtin !== undefined) out.gtin = gtin;
  const contentGtin = text('02');
  if (contentGtin !== undefined) out.contentGtin = contentGtin;
  const sscc = text('00');
  if (sscc !== undefined) out.sscc = sscc;
  const batch = text('10');
  if (batch !== undefined) out.batch = batch;
  const expiry = text('17');
  if (expiry !== undefined) out.expiry = gs1DateToIso(expiry, referenceYear);
  const serial = text('21');
  if (serial !== undefined) out.serial = serial;
  const count = text('30');
  if (count !== undefined) out.count = Number(count);
  const contentCount = text('37');
  if (contentCount !== undefined) out.contentCount = Number(contentCount);
  const weight = elements.find((e) => /^310[0-5]$/.test(e.ai));
  if (weight) out.netWeightKg = Number(weight.value) / 10 ** Number(weight.ai[3]);
  return out;
}

/**
 * A GS1 YYMMDD date as ISO `YYYY-MM-DD`. Day 00 stands for the last day of the month (GS1 allows
 * it in best-before and expiry dates), so 240200 is 2024-02-29.
 */
export function gs1DateToIso(yymmdd: string, referenceYear?: number): string {
  if (!/^\d{6}$/.test(yymmdd)) throw new BarcodeError('BAD_DATE', `a GS1 date is YYMMDD, got ${quote(yymmdd)}`);
  const yy = Number(yymmdd.slice(0, 2));
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4, 6));
  const year = resolveCentury(yy, referenceYear);
  if (month < 1 || month > 12) throw new BarcodeError('BAD_DATE', `month ${month} in ${quote(yymmdd)} does not exist`);
  const lastDay = daysInMonth(year, month);
  if (day > lastDay) throw new BarcodeError('BAD_DATE', `day ${day} in ${quote(yymmdd)} does not exist`);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${year}-${pad(month)}-${pad(day === 0 ? lastDay : day)}`;
}

function resolveCentury(yy: number, referenceYear: number | undefined): number {
  if (referenceYear === undefined) return 2000 + yy;
  const century = Math.floor(referenceYear / 100) * 100;
  const diff = yy - (referenceYear % 100);
  if (diff >= 51) return century - 100 + yy;
  if (diff <= -50) return century + 100 + yy;
  return century + yy;
}

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}
