import { BarcodeError, quote } from './barcode-error.js';
import { assertGtin, gtinCheckDigit } from './gtin.js';

/**
 * Expands a UPC-E to its 12-digit UPC-A. Accepts the 8-digit form (number system, six digits,
 * check digit) and, because scanners can be configured to drop them, 7 digits (no check digit)
 * and 6 digits (number system 0 assumed). The check digit of a UPC-E is that of the UPC-A, so it
 * can only be verified after expanding.
 */
export function expandUpcE(code: string): string {
  if (!/^\d+$/.test(code)) throw new BarcodeError('BAD_CHARACTERS', `a UPC-E has only digits, got ${quote(code)}`);
  if (code.length < 6 || code.length > 8) {
    throw new BarcodeError('BAD_LENGTH', `a UPC-E has 6, 7 or 8 digits, got ${code.length} in ${quote(code)}`);
  }
  const full = code.length === 6 ? `0${code}` : code;
  const numberSystem = full[0];
  if (numberSystem !== '0' && numberSystem !== '1') {
    throw new BarcodeError('NOT_UPC_E', `a UPC-E starts with number system 0 or 1, got ${quote(code)}`);
  }
  const d = full.slice(1, 7);
  const last = d[5];
  let manufacturer: string;
  let product: string;
  if (last === '0' || last === '1' || last === '2') {
    manufacturer = `${d.slice(0, 2)}${last}00`;
    product = `00${d.slice(2, 5)}`;
  } else if (last === '3') {
    manufacturer = `${d.slice(0, 3)}00`;
    product = `000${d.slice(3, 5)}`;
  } else if (last === '4') {
    manufacturer = `${d.slice(0, 4)}0`;
    product = `0000${d[4]}`;
  } else {
    manufacturer = d.slice(0, 5);
    product = `0000${last}`;
  }
  const body = `${numberSystem}${manufacturer}${product}`;
  const check = gtinCheckDigit(body);
  if (full.length === 8 && Number(full[7]) !== check) {
    throw new BarcodeError('BAD_CHECK_DIGIT', `check digit of UPC-E ${quote(code)} should be ${check}`);
  }
  return `${body}${check}`;
}

/**
 * The canonical 8-digit UPC-E for a valid UPC-A, or null when the UPC-A cannot be written as a
 * UPC-E (number system other than 0 or 1, or too few zeros to suppress). Where several encodings
 * would expand to the same UPC-A, the one the UPC-E rules prescribe is chosen, so
 * expandUpcE(compressUpcA(a)) === a for every compressible a.
 */
export function compressUpcA(upcA: string): string | null {
  if (upcA.length !== 12) throw new BarcodeError('BAD_LENGTH', `a UPC-A has 12 digits, got ${quote(upcA)}`);
  assertGtin(upcA);
  if (upcA[0] !== '0' && upcA[0] !== '1') return null;
  const ns = upcA[0];
  const m = upcA.slice(1, 6);
  const p = upcA.slice(6, 11);
  const check = upcA[11];
  let six: string | null = null;
  if ('012'.includes(m[2]) && m.endsWith('00') && p.startsWith('00')) six = `${m.slice(0, 2)}${p.slice(2)}${m[2]}`;
  else if (m.endsWith('00') && p.startsWith('000')) six = `${m.slice(0, 3)}${p.slice(3)}3`;
  else if (m.endsWith('0') && p.startsWith('0000')) six = `${m.slice(0, 4)}${p[4]}4`;
  else if (p.startsWith('0000') && p[4] >= '5') six = `${m}${p[4]}`;
  return six === null ? null : `${ns}${six}${check}`;
}
