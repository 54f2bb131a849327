import fc from 'fast-check';
import { BarcodeError, type BarcodeProblem } from './barcode-error.js';
import { assertGtin, gtinCheckDigit, gtinLookupForms, hasValidCheckDigit, isValidGtin, normaliseGtin } from './gtin.js';

const body = (length: number) => fc.stringMatching(new RegExp(`^\\d{${length}}$`));
const anyGtinBody = fc.constantFrom(7, 11, 12, 13).chain(body);

const withProblem = (problem: BarcodeProblem) => expect.objectContaining({ problem });

describe(gtinCheckDigit.name, () => {
  it.each([
    // Widely published EAN-13, EAN-8 and UPC-A examples, then GS1's own example GTINs.
    ['400638133393', 1],
    ['9638507', 4],
    ['03600029145', 2],
    ['0950110102091', 7],
    ['9501234567890', 3],
    // SSCC from the GS1 General Specifications: the same algorithm over 17 digits.
    ['10614141123456789', 7],
    ['0000000', 0],
  ])('%s → %i', (input, digit) => {
    expect(gtinCheckDigit(input)).toBe(digit);
  });

  it('rejects non-digits', () => {
    expect(() => gtinCheckDigit('12a4')).toThrow(withProblem('BAD_CHARACTERS'));
    expect(() => gtinCheckDigit('')).toThrow(withProblem('BAD_CHARACTERS'));
  });

  it('is unchanged by leading zeros, which is what lets GTIN-8/12/13 pad to GTIN-14', () => {
    fc.assert(fc.property(anyGtinBody, (b) => gtinCheckDigit(b) === gtinCheckDigit(b.padStart(13, '0'))));
  });
});

describe(isValidGtin.name, () => {
  it.each([
    ['4006381333931', true],
    ['96385074', true],
    ['036000291452', true],
    ['09501101020917', true],
    ['4006381333932', false],
    ['96385075', false],
    ['036000291453', false],
    ['400638133393', false], // right digits, wrong length
    ['0400638133393100', false],
    ['40063813339a1', false],
    ['', false],
  ])('%s → %s', (code, valid) => {
    expect(isValidGtin(code)).toBe(valid);
  });

  it('accepts any body followed by its computed check digit', () => {
    fc.assert(fc.property(anyGtinBody, (b) => isValidGtin(`${b}${gtinCheckDigit(b)}`)));
  });

  it('rejects the code when any one digit is changed', () => {
    fc.assert(
      fc.property(anyGtinBody, fc.nat(), fc.integer({ min: 1, max: 9 }), (b, at, delta) => {
        const code = `${b}${gtinCheckDigit(b)}`;
        const i = at % code.length;
        const changed = `${code.slice(0, i)}${(Number(code[i]) + delta) % 10}${code.slice(i + 1)}`;
        return !isValidGtin(changed);
      }),
    );
  });
});

describe(hasValidCheckDigit.name, () => {
  it('works for any length of at least two digits', () => {
    expect(hasValidCheckDigit('106141411234567897')).toBe(true);
    expect(hasValidCheckDigit('00')).toBe(true);
    expect(hasValidCheckDigit('0')).toBe(false);
    expect(hasValidCheckDigit('1x')).toBe(false);
  });
});

describe(assertGtin.name, () => {
  it.each<[string, BarcodeProblem]>([
    ['', 'EMPTY'],
    ['4006381333 31', 'BAD_CHARACTERS'],
    ['4006381', 'BAD_LENGTH'],
    ['4006381333932', 'BAD_CHECK_DIGIT'],
  ])('%j → %s', (code, problem) => {
    expect(() => assertGtin(code)).toThrow(withProblem(problem));
  });

  it('names the expected check digit', () => {
    expect(() => assertGtin('4006381333932')).toThrow(/should be 1/);
  });
});

describe(normaliseGtin.name, () => {
  it.each([
    ['96385074', '00000096385074'],
    ['036000291452', '00036000291452'],
    ['4006381333931', '04006381333931'],
    ['09501101020917', '09501101020917'],
  ])('%s → %s', (code, gtin14) => {
    expect(normaliseGtin(code)).toBe(gtin14);
  });

  it('throws BarcodeError for an invalid code', () => {
    expect(() => normaliseGtin('036000291453')).toThrow(BarcodeError);
  });

  it('yields a valid GTIN-14 ending with the input', () => {
    fc.assert(
      fc.property(anyGtinBody, (b) => {
        const code = `${b}${gtinCheckDigit(b)}`;
        const gtin14 = normaliseGtin(code);
        return gtin14.length === 14 && isValidGtin(gtin14) && gtin14.endsWith(code);
      }),
    );
  });
});

describe('gtinLookupForms', () => {
  it('gives the shorter forms a GTIN-14 with leading zeros shortens to, longest first', () => {
    expect(gtinLookupForms('00000040170725')).toEqual(['00000040170725', '0000040170725', '000040170725', '40170725']);
    expect(gtinLookupForms('00614141000036')).toEqual(['00614141000036', '0614141000036', '614141000036']);
    expect(gtinLookupForms('04006381333931')).toEqual(['04006381333931', '4006381333931']);
    expect(gtinLookupForms('14006381333938')).toEqual(['14006381333938']);
  });
  it('looks up anything that is not 14 digits as it is', () => {
    for (const code of ['4006381333931', 'SKU-1', '0000000000000x', '']) expect(gtinLookupForms(code)).toEqual([code]);
  });
});
