import { BarcodeError, quote } from './barcode-error.js';

const DIGITS = /^\d+$/;

/** The lengths a GTIN can have; anything else is not a GTIN whatever its check digit says. */
export const GTIN_LENGTHS: readonly number[] = [8, 12, 13, 14];

/**
 * GS1 mod-10 check digit of `body` (the code without its check digit). The weights run 3,1,3,…
 * from the rightmost body digit, which is why one function serves GTIN-8/12/13/14, GLN and SSCC:
 * left-padding with zeros never changes the result.
 */
export function gtinCheckDigit(body: string): number {
  if (!DIGITS.test(body)) {
    throw new BarcodeError('BAD_CHARACTERS', `a check digit can only be computed over digits, got ${quote(body)}`);
  }
  let sum = 0;
  let weight = 3;
  for (let i = body.length - 1; i >= 0; i--) {
    sum += (body.charCodeAt(i) - 48) * weight;
    weight = 4 - weight;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the last digit of an all-digit string of at least two digits is its GS1 check digit. */
export function hasValidCheckDigit(code: string): boolean {
  return code.length >= 2 && DIGITS.test(code) && gtinCheckDigit(code.slice(0, -1)) === Number(code[code.length - 1]);
}

/** True for a GTIN-8, -12, -13 or -14 with a correct check digit. */
export function isValidGtin(code: string): boolean {
  return GTIN_LENGTHS.includes(code.length) && hasValidCheckDigit(code);
}

/**
 * Throws a BarcodeError saying what is wrong with a would-be GTIN. Eight digits are read as a
 * GTIN-8; a UPC-E must go through expandUpcE first because its check digit belongs to the UPC-A.
 */
export function assertGtin(code: string): void {
  if (code.length === 0) throw new BarcodeError('EMPTY', 'the code is empty');
  if (!DIGITS.test(code)) throw new BarcodeError('BAD_CHARACTERS', `a GTIN has only digits, got ${quote(code)}`);
  if (!GTIN_LENGTHS.includes(code.length)) {
    throw new BarcodeError('BAD_LENGTH', `a GTIN has 8, 12, 13 or 14 digits, got ${code.length} in ${quote(code)}`);
  }
  const expected = gtinCheckDigit(code.slice(0, -1));
  if (expected !== Number(code[code.length - 1])) {
    throw new BarcodeError('BAD_CHECK_DIGIT', `check digit of ${quote(code)} should be ${expected}`);
  }
}

/**
 * The GTIN-14 form (left-padded with zeros) of a GTIN-8/12/13/14. Catalogue keys and scans are
 * compared in this form so that a UPC-A printed on one pack and the EAN-13 on another match.
 */
export function normaliseGtin(code: string): string {
  assertGtin(code);
  return code.padStart(14, '0');
}

/**
 * The forms under which a catalogue may hold a GTIN-14: itself, then the GTIN-13, -12 and -8 it
 * shortens to when its leading digits are zeros, in that order (the first match wins). Anything that
 * is not 14 digits is looked up as it is.
 */
export function gtinLookupForms(code: string): string[] {
  if (code.length !== 14 || !DIGITS.test(code)) return [code];
  const forms = [code];
  for (const length of [13, 12, 8]) if (/^0*$/.test(code.slice(0, 14 - length))) forms.push(code.slice(14 - length));
  return forms;
}
