import { ErrorCode } from '../errors.js';
import { BarcodeError, type BarcodeProblem, quote } from './barcode-error.js';
import { decodeSgtin96, parseSgtinUri } from './epc-sgtin96.js';
import { aiSpec } from './gs1-ai.js';
import { GROUP_SEPARATOR, parseGs1ElementString } from './gs1-element-string.js';
import { GTIN_LENGTHS, hasValidCheckDigit, normaliseGtin } from './gtin.js';
import { type RcnLayout, parseRcn } from './rcn.js';
import { stripSymbologyId } from './symbology-id.js';
import { expandUpcE } from './upc-e.js';

export interface ScanOptions {
  /** This chain's variable-measure layouts; without them a 2… code is an ordinary fixed code. */
  rcnLayouts?: readonly RcnLayout[];
  /**
   * How to read 8 digits that came without a symbology identifier, where a UPC-E and an EAN-8 can
   * both have a valid check digit. `auto` (default) takes a code starting with 0 as UPC-E when it
   * expands validly, because GS1-8 prefix 0 is reserved for in-store velocity codes.
   */
  eightDigits?: 'auto' | 'ean8' | 'upce';
  /** Stand-ins for FNC1 sent by keyboard-wedge scanners that cannot type GS (see Gs1ParseOptions). */
  separators?: readonly string[];
  /** Current year for reading GS1 YYMMDD dates; without it YY is 20YY. */
  referenceYear?: number;
  /**
   * Pack multiplier of a GTIN as the catalogue knows it (pack barcodes are catalogue records, not
   * something the code says). When given and it answers, GTIN scans carry `quantity`.
   */
  packMultiplier?: (gtin14: string) => number | undefined;
}

export interface GtinScan {
  ok: true;
  kind: 'gtin';
  gtin14: string;
  quantity?: number;
}
export interface Gs1Scan {
  ok: true;
  kind: 'gs1';
  gtin14: string;
  serial?: string;
  batch?: string;
  /** ISO date from AI 17. */
  expiry?: string;
  /** How many units of gtin14 the scan stands for: AI 30 with AI 01, or AI 37 with AI 02. */
  count?: number;
  netWeightKg?: number;
}
export interface RcnScan {
  ok: true;
  kind: 'rcn';
  /** GTIN-14 form of the code with its variable part zeroed (see RcnResult.itemKey). */
  itemKey: string;
  itemReference: string;
  layout: string;
  weightGrams?: number;
  priceCents?: number;
}
export interface EpcScan {
  ok: true;
  kind: 'epc';
  gtin14: string;
  serial: string;
}
export interface InternalScan {
  ok: true;
  kind: 'internal';
  code: string;
}
export interface ScanFailure {
  ok: false;
  code: typeof ErrorCode.InvalidBarcode;
  /** For people: shown on the till next to the rejected scan. */
  reason: string;
  /** For code: which rule the scan broke. */
  problem: BarcodeProblem;
}
export type ScannedCode = GtinScan | Gs1Scan | RcnScan | EpcScan | InternalScan;
export type ScanResult = ScannedCode | ScanFailure;

/** Longer than any real symbol's payload; bounds the work a garbage read can cause. */
export const MAX_SCAN_LENGTH = 1000;
/** Same bound as a catalogue barcode, so an accepted internal code can always be looked up. */
export const MAX_INTERNAL_CODE_LENGTH = 64;

/**
 * Removes what scanners and people add around a code: the Enter/Tab suffix of a keyboard wedge,
 * CR/LF of a serial scanner, spaces typed between digit groups. GS is not whitespace and stays.
 */
export function cleanScan(raw: string): string {
  return raw.replace(/\s+/g, '');
}

/**
 * The one entry point for the till and the hub: whatever a scanner, an RFID reader or a person
 * typed, say what it identifies. Never throws for bad input; a rejected scan comes back as
 * `{ ok: false, code: 'INVALID_BARCODE', reason, problem }`.
 */
export function parseScan(raw: string, options: ScanOptions = {}): ScanResult {
  try {
    return classify(raw, options);
  } catch (err) {
    if (err instanceof BarcodeError) {
      return { ok: false, code: ErrorCode.InvalidBarcode, reason: err.message, problem: err.problem };
    }
    throw err;
  }
}

function classify(raw: string, options: ScanOptions): ScannedCode {
  if (typeof raw !== 'string') throw new BarcodeError('EMPTY', 'no scan data');
  const cleaned = cleanScan(raw);
  if (cleaned.length === 0) throw new BarcodeError('EMPTY', 'the scan is empty');
  if (cleaned.length > MAX_SCAN_LENGTH) {
    throw new BarcodeError('BAD_LENGTH', `the scan is ${cleaned.length} characters long; no barcode is`);
  }
  if (/[\x00-\x1c\x1e\x1f\x7f]/.test(cleaned)) {
    throw new BarcodeError('BAD_CHARACTERS', `the scan contains control characters: ${quote(cleaned)}`);
  }
  const { data, symbologyId, symbology, family } = stripSymbologyId(cleaned);
  if (data.length === 0) throw new BarcodeError('EMPTY', `${symbology ?? symbologyId} scan carries no data`);
  switch (family) {
    case 'gs1':
      return fromGs1(cleaned, options);
    case 'ean':
      return fromEanUpc(data, symbologyId === ']E3', options);
    case 'ean8':
      if (data.length !== 8) throw new BarcodeError('BAD_LENGTH', `an EAN-8 has 8 digits, got ${quote(data)}`);
      return fromGtin(data, options);
    case 'addon':
      throw new BarcodeError('BAD_LENGTH', 'only the add-on of an EAN/UPC was read; scan the main code');
    case 'other':
      return /^\d+$/.test(data) && GTIN_LENGTHS.includes(data.length) && hasValidCheckDigit(data)
        ? fromGtin(data, options)
        : internal(data);
    case 'none':
      return fromUnlabelled(data, options);
  }
}

function fromUnlabelled(data: string, options: ScanOptions): ScannedCode {
  if (/^urn:epc:/i.test(data)) {
    const { gtin, serial } = parseSgtinUri(data);
    return { ok: true, kind: 'epc', gtin14: gtin, serial };
  }
  // EPC-96 headers start with 3 (0x30 SGTIN, 0x31 SSCC…); no GS1 string of 24 hex characters that
  // starts with 3 can carry a GTIN, so the two cannot be confused.
  if (/^3[0-9A-Fa-f]{23}$/.test(data)) {
    const { gtin, serial } = decodeSgtin96(data);
    return { ok: true, kind: 'epc', gtin14: gtin, serial };
  }
  if (looksLikeGs1(data, options.separators ?? [])) return fromGs1(data, options);
  if (/^\d+$/.test(data) && GTIN_LENGTHS.includes(data.length)) {
    if (data.length !== 8) return fromGtin(data, options);
    return readEightDigits(data, options);
  }
  return internal(data);
}

function readEightDigits(data: string, options: ScanOptions): ScannedCode {
  const mode = options.eightDigits ?? 'auto';
  if (mode === 'upce') return fromGtin(expandUpcE(data), options);
  if (mode === 'auto' && data[0] === '0') {
    try {
      return fromGtin(expandUpcE(data), options);
    } catch (err) {
      if (!(err instanceof BarcodeError)) throw err;
      // Not a valid UPC-E: fall through and judge it as an EAN-8.
    }
  }
  return fromGtin(data, options);
}

/**
 * Without a symbology identifier a GS1 element string shows itself by an FNC1, by the bracketed
 * form, or by starting with AI 01/02 (or 00) and a check-digit-valid GTIN (or SSCC) that is
 * followed by more data — no plain GTIN is 16 digits or longer.
 */
function looksLikeGs1(data: string, separators: readonly string[]): boolean {
  if (data.includes(GROUP_SEPARATOR) || separators.some((s) => s.length > 0 && data.includes(s))) return true;
  const bracketed = /^\((\d{2,4})\)/.exec(data);
  if (bracketed) return aiSpec(bracketed[1]) !== undefined;
  if (/^0[12]\d{14}/.test(data)) return hasValidCheckDigit(data.slice(2, 16));
  if (/^00\d{18}/.test(data)) return hasValidCheckDigit(data.slice(2, 20));
  return false;
}

// Total digits of an ]E3 combined packet → digits of the main code (UPC-E, UPC-A, EAN-13).
const ADD_ON_MAIN_LENGTH: Readonly<Record<number, number>> = { 10: 8, 13: 8, 14: 12, 17: 12, 15: 13, 18: 13 };

function fromEanUpc(data: string, withAddOn: boolean, options: ScanOptions): ScannedCode {
  if (!/^\d+$/.test(data)) throw new BarcodeError('BAD_CHARACTERS', `an EAN/UPC has only digits, got ${quote(data)}`);
  // A combined packet is the main code followed by its 2- or 5-digit add-on (price, issue number),
  // which says nothing about the item and is dropped.
  const mainLength = withAddOn ? ADD_ON_MAIN_LENGTH[data.length] : data.length;
  if (mainLength === undefined) {
    throw new BarcodeError('BAD_LENGTH', `an EAN/UPC with add-on has 10, 13, 14, 15, 17 or 18 digits, got ${data.length}`);
  }
  const main = data.slice(0, mainLength);
  if (main.length >= 6 && main.length <= 8) return fromGtin(expandUpcE(main), options);
  if (main.length === 12 || main.length === 13) return fromGtin(main, options);
  throw new BarcodeError('BAD_LENGTH', `an EAN-13, UPC-A or UPC-E has 13, 12 or 8 digits, got ${main.length}`);
}

function fromGtin(code: string, options: ScanOptions): GtinScan | RcnScan {
  const gtin14 = normaliseGtin(code);
  if (options.rcnLayouts && options.rcnLayouts.length > 0) {
    const rcn = parseRcn(gtin14, options.rcnLayouts);
    if (rcn) {
      const { itemKey, itemReference, layout } = rcn;
      const scan: RcnScan = { ok: true, kind: 'rcn', itemKey, itemReference, layout };
      if (rcn.weightGrams !== undefined) scan.weightGrams = rcn.weightGrams;
      if (rcn.priceCents !== undefined) scan.priceCents = rcn.priceCents;
      return scan;
    }
  }
  const scan: GtinScan = { ok: true, kind: 'gtin', gtin14 };
  const quantity = options.packMultiplier?.(gtin14);
  if (quantity !== undefined && Number.isInteger(quantity) && quantity > 0) scan.quantity = quantity;
  return scan;
}

function fromGs1(input: string, options: ScanOptions): Gs1Scan {
  const data = parseGs1ElementString(input, { separators: options.separators, referenceYear: options.referenceYear });
  const gtin14 = data.gtin ?? data.contentGtin;
  if (gtin14 === undefined) {
    const what = data.sscc !== undefined ? `a logistic unit label (SSCC ${data.sscc})` : 'GS1 data without a GTIN';
    throw new BarcodeError('NO_GTIN', `${what}; scan the item's own barcode`);
  }
  const scan: Gs1Scan = { ok: true, kind: 'gs1', gtin14 };
  if (data.serial !== undefined) scan.serial = data.serial;
  if (data.batch !== undefined) scan.batch = data.batch;
  if (data.expiry !== undefined) scan.expiry = data.expiry;
  const count = data.gtin !== undefined ? data.count : data.contentCount;
  if (count !== undefined) scan.count = count;
  if (data.netWeightKg !== undefined) scan.netWeightKg = data.netWeightKg;
  return scan;
}

function internal(data: string): InternalScan {
  if (data.length > MAX_INTERNAL_CODE_LENGTH) {
    const limit = MAX_INTERNAL_CODE_LENGTH;
    throw new BarcodeError('BAD_LENGTH', `an internal code has at most ${limit} characters, got ${data.length}`);
  }
  if (!/^[\x21-\x7e]+$/.test(data)) {
    throw new BarcodeError('BAD_CHARACTERS', `an internal code uses printable ASCII only, got ${quote(data)}`);
  }
  return { ok: true, kind: 'internal', code: data };
}
