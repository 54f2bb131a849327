import fc from 'fast-check';
import type { BarcodeProblem } from './barcode-error.js';
import { isValidGtin } from './gtin.js';
import { compressUpcA, expandUpcE } from './upc-e.js';

const withProblem = (problem: BarcodeProblem) => expect.objectContaining({ problem });

// Six data digits and number system 0 or 1; the check digit is derived from the expansion.
const upcEData = fc.tuple(fc.constantFrom('0', '1'), fc.stringMatching(/^\d{6}$/)).map(([ns, d]) => `${ns}${d}`);

describe(expandUpcE.name, () => {
  it.each([
    // One example per rule for the last data digit (0–2 manufacturer, 3, 4, 5–9 product).
    ['01234505', '012000003455'],
    ['01234514', '012100003454'],
    ['01234523', '012200003453'],
    ['01234531', '012300000451'],
    ['01234543', '012340000053'],
    ['01234558', '012345000058'],
    ['01234565', '012345000065'],
    ['01234572', '012345000072'],
    ['01234589', '012345000089'],
    ['01234596', '012345000096'],
    ['04252614', '042100005264'],
    ['06543217', '065100004327'],
  ])('%s → %s', (upcE, upcA) => {
    expect(expandUpcE(upcE)).toBe(upcA);
  });

  it('accepts the forms scanners send without check digit or number system', () => {
    expect(expandUpcE('0123456')).toBe('012345000065');
    expect(expandUpcE('123456')).toBe('012345000065');
  });

  it.each<[string, BarcodeProblem]>([
    ['01234566', 'BAD_CHECK_DIGIT'],
    ['21234565', 'NOT_UPC_E'],
    ['0123456789', 'BAD_LENGTH'],
    ['12345', 'BAD_LENGTH'],
    ['0123456a', 'BAD_CHARACTERS'],
  ])('%s → %s', (code, problem) => {
    expect(() => expandUpcE(code)).toThrow(withProblem(problem));
  });

  it('always yields a valid UPC-A, and one check digit makes the 8-digit form valid', () => {
    fc.assert(
      fc.property(upcEData, (seven) => {
        const upcA = expandUpcE(seven);
        return isValidGtin(upcA) && expandUpcE(`${seven}${upcA[11]}`) === upcA;
      }),
    );
  });
});

describe(compressUpcA.name, () => {
  it.each([
    ['012345000065', '01234565'],
    ['042100005264', '04252614'],
    ['012000003455', '01234505'],
    ['012300000451', '01234531'],
    ['036000291452', null], // too few zeros to suppress
    ['212345602997', null], // number system 2 has no UPC-E
  ])('%s → %s', (upcA, upcE) => {
    expect(compressUpcA(upcA)).toBe(upcE);
  });

  it('throws for something that is not a valid UPC-A', () => {
    expect(() => compressUpcA('4006381333931')).toThrow(withProblem('BAD_LENGTH'));
    expect(() => compressUpcA('012345000066')).toThrow(withProblem('BAD_CHECK_DIGIT'));
  });

  it('round-trips: expanding the compressed form gives the UPC-A back', () => {
    fc.assert(
      fc.property(upcEData, (seven) => {
        const upcA = expandUpcE(seven);
        const upcE = compressUpcA(upcA);
        return upcE !== null && expandUpcE(upcE) === upcA;
      }),
    );
  });
});
