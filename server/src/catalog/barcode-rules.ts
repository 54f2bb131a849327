import { ErrorCode, type BarcodeInput } from '@stockfleet/shared';
import { DomainException } from '../common/domain-exception.js';

/** GS1 mod-10 check digit over the body (all digits but the last). */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const d = body.charCodeAt(body.length - 1 - i) - 48;
    sum += d * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidGtin(code: string): boolean {
  if (!/^\d+$/.test(code) || ![8, 12, 13, 14].includes(code.length)) return false;
  return gs1CheckDigit(code.slice(0, -1)) === Number(code[code.length - 1]);
}

/** Returns a reason when a catalogue barcode is not acceptable, or null. */
export function barcodeProblem(b: BarcodeInput): string | null {
  if (b.kind === 'internal') return /^[A-Za-z0-9._-]{1,64}$/.test(b.code) ? null : 'internal codes use letters, digits, dot, dash, underscore';
  if (!isValidGtin(b.code)) return `${b.code} is not a valid GTIN-8/12/13/14 (length or check digit)`;
  if (b.kind === 'gtin' && b.multiplier !== 1) return 'only pack barcodes carry a multiplier';
  if (b.kind === 'pack' && b.multiplier < 2) return 'a pack barcode needs a multiplier of 2 or more';
  return null;
}

export function assertBarcodes(barcodes: BarcodeInput[]): void {
  const seen = new Set<string>();
  barcodes.forEach((b, i) => {
    const problem = barcodeProblem(b);
    if (problem) throw new DomainException(ErrorCode.InvalidBarcode, problem, [{ path: `barcodes.${i}.code`, message: problem }]);
    if (seen.has(b.code)) throw new DomainException(ErrorCode.ValidationFailed, `barcode ${b.code} listed twice`, [{ path: `barcodes.${i}.code`, message: 'duplicate' }]);
    seen.add(b.code);
  });
}
