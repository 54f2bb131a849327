import fc from 'fast-check';
import type { BarcodeProblem } from './barcode-error.js';
import { encodeSgtin96 } from './epc-sgtin96.js';
import { GROUP_SEPARATOR as GS } from './gs1-element-string.js';
import { gtinCheckDigit } from './gtin.js';
import { RCN_MARKET_EXAMPLES } from './rcn.js';
import { type ScanOptions, type ScanResult, cleanScan, parseScan } from './scan.js';

const GS1_EXAMPLE = `01095011010209171719050810ABCD1234${GS}2110`;
const GS1_EXAMPLE_SCAN = {
  ok: true,
  kind: 'gs1',
  gtin14: '09501101020917',
  expiry: '2019-05-08',
  batch: 'ABCD1234',
  serial: '10',
};

describe(parseScan.name, () => {
  it.each<[string, string, ScanResult]>([
    ['EAN-13', '4006381333931', { ok: true, kind: 'gtin', gtin14: '04006381333931' }],
    ['EAN-13 with wedge suffix', ' 4006381333931\r\n', { ok: true, kind: 'gtin', gtin14: '04006381333931' }],
    ['EAN-13 typed in groups', '4 006381 333931', { ok: true, kind: 'gtin', gtin14: '04006381333931' }],
    ['UPC-A', '036000291452', { ok: true, kind: 'gtin', gtin14: '00036000291452' }],
    ['EAN-8', '96385074', { ok: true, kind: 'gtin', gtin14: '00000096385074' }],
    ['ITF-14 / GTIN-14', '09501101020917', { ok: true, kind: 'gtin', gtin14: '09501101020917' }],
    ['UPC-E, no identifier', '01234565', { ok: true, kind: 'gtin', gtin14: '00012345000065' }],
    ['0… valid only as EAN-8', '07654329', { ok: true, kind: 'gtin', gtin14: '00000007654329' }],
    [']E0 EAN-13', ']E04006381333931', { ok: true, kind: 'gtin', gtin14: '04006381333931' }],
    [']E0 UPC-A', ']E0036000291452', { ok: true, kind: 'gtin', gtin14: '00036000291452' }],
    [']E0 UPC-E', ']E004252614', { ok: true, kind: 'gtin', gtin14: '00042100005264' }],
    [']E4 EAN-8 that could pass as UPC-E', ']E401234565', { ok: true, kind: 'gtin', gtin14: '00000001234565' }],
    [']E3 EAN-13 + 2-digit add-on', ']E3400638133393112', { ok: true, kind: 'gtin', gtin14: '04006381333931' }],
    [']E3 EAN-13 + 5-digit add-on', ']E3400638133393190000', { ok: true, kind: 'gtin', gtin14: '04006381333931' }],
    [']E3 UPC-E + add-on', ']E30123456512', { ok: true, kind: 'gtin', gtin14: '00012345000065' }],
    [']C0 Code 128 carrying a GTIN', ']C04006381333931', { ok: true, kind: 'gtin', gtin14: '04006381333931' }],
    [']C1 GS1-128', `]C1${GS1_EXAMPLE}`, GS1_EXAMPLE_SCAN as ScanResult],
    [']d2 GS1 DataMatrix', `]d2${GS1_EXAMPLE}`, GS1_EXAMPLE_SCAN as ScanResult],
    [']Q3 GS1 QR', `]Q3${GS1_EXAMPLE}`, GS1_EXAMPLE_SCAN as ScanResult],
    [']e0 GS1 DataBar', ']e00109501101020917', { ok: true, kind: 'gs1', gtin14: '09501101020917' }],
    ['GS1 without identifier', GS1_EXAMPLE, GS1_EXAMPLE_SCAN as ScanResult],
    ['GS1 bracketed', '(01)09501101020917(17)190508(10)ABCD1234(21)10', GS1_EXAMPLE_SCAN as ScanResult],
    ['GS1 01 only, no identifier', '0109501101020917', { ok: true, kind: 'gs1', gtin14: '09501101020917' }],
    [
      'GS1 with 3103 weight',
      ']C10195012345678903310300125010LOT1',
      { ok: true, kind: 'gs1', gtin14: '95012345678903', netWeightKg: 1.25, batch: 'LOT1' },
    ],
    ['GS1 01 + 30 count', ']C1010950110102091730120', { ok: true, kind: 'gs1', gtin14: '09501101020917', count: 120 }],
    ['GS1 02 + 37 count', ']C10209501101020917' + '3724', { ok: true, kind: 'gs1', gtin14: '09501101020917', count: 24 }],
    ['EPC SGTIN-96 hex', '3074257BF7194E4000001A85', { ok: true, kind: 'epc', gtin14: '80614141123458', serial: '6789' }],
    ['EPC hex, lower case', '3074257bf7194e4000001a85\n', { ok: true, kind: 'epc', gtin14: '80614141123458', serial: '6789' }],
    ['EPC URI', 'urn:epc:id:sgtin:0614141.812345.6789', { ok: true, kind: 'epc', gtin14: '80614141123458', serial: '6789' }],
    ['internal code', 'SHELF-A1', { ok: true, kind: 'internal', code: 'SHELF-A1' }],
    ['internal digits', '12345', { ok: true, kind: 'internal', code: '12345' }],
    [']C0 internal', ']C0BADGE-0042', { ok: true, kind: 'internal', code: 'BADGE-0042' }],
    [']C0 digits with a wrong check digit', ']C04006381333932', { ok: true, kind: 'internal', code: '4006381333932' }],
    ['2… code with no layouts configured', '2112345012506', { ok: true, kind: 'gtin', gtin14: '02112345012506' }],
  ])('%s', (_label, raw, expected) => {
    expect(parseScan(raw)).toEqual(expected);
  });

  it.each<[string, string, BarcodeProblem]>([
    ['empty', '', 'EMPTY'],
    ['only whitespace', ' \r\n', 'EMPTY'],
    ['only an identifier', ']E0', 'EMPTY'],
    ['GTIN with wrong check digit', '4006381333932', 'BAD_CHECK_DIGIT'],
    ['UPC-A with wrong check digit', '036000291453', 'BAD_CHECK_DIGIT'],
    [']E0 wrong length', ']E04006381333', 'BAD_LENGTH'],
    [']E0 letters', ']E0400638133393X', 'BAD_CHARACTERS'],
    [']E4 not 8 digits', ']E4400638133393', 'BAD_LENGTH'],
    [']E3 impossible length', ']E34006381333931123', 'BAD_LENGTH'],
    ['add-on alone', ']E112', 'BAD_LENGTH'],
    ['GS1 bad AI', ']C1230109501101020917', 'UNKNOWN_AI'],
    ['GS1 bad GTIN', ']C10109501101020918', 'BAD_CHECK_DIGIT'],
    ['GS1 bad expiry', ']C1010950110102091717191331', 'BAD_DATE'],
    ['GS1 pallet label only', ']C100106141411234567897', 'NO_GTIN'],
    ['EPC of another scheme', '3174257BF7194E4000001A85', 'BAD_EPC_HEADER'],
    ['EPC bad partition', '307C257BF7194E4000001A85', 'BAD_EPC_PARTITION'],
    ['EPC URI not SGTIN', 'urn:epc:id:sscc:0614141.1234567890', 'BAD_EPC_URI'],
    ['control character', '40063\x0781333931', 'BAD_CHARACTERS'],
    ['non-ASCII (wedge on the wrong keyboard layout)', 'à&é"', 'BAD_CHARACTERS'],
    ['internal code too long', 'X'.repeat(65), 'BAD_LENGTH'],
    ['runaway input', '1'.repeat(5000), 'BAD_LENGTH'],
  ])('%s → INVALID_BARCODE %s', (_label, raw, problem) => {
    const result = parseScan(raw);
    expect(result).toMatchObject({ ok: false, code: 'INVALID_BARCODE', problem });
    expect(result.ok === false && result.reason.length > 0).toBe(true);
  });

  it('reads a bare GS1 pallet label as GS1, to say it is not an item', () => {
    const result = parseScan('00106141411234567897');
    expect(result).toMatchObject({ ok: false, problem: 'NO_GTIN' });
    expect(result.ok === false && result.reason).toMatch(/SSCC 106141411234567897/);
  });

  describe('eight digits without symbology identifier', () => {
    it.each<[ScanOptions['eightDigits'], string]>([
      ['auto', '00012345000065'],
      ['upce', '00012345000065'],
      ['ean8', '00000001234565'],
    ])('%s', (eightDigits, gtin14) => {
      expect(parseScan('01234565', { eightDigits })).toMatchObject({ kind: 'gtin', gtin14 });
    });

    it('upce mode rejects a non-UPC-E', () => {
      expect(parseScan('96385074', { eightDigits: 'upce' })).toMatchObject({ ok: false, problem: 'NOT_UPC_E' });
    });
  });

  describe('variable-measure codes', () => {
    it.each<[string, ScanOptions['rcnLayouts'], object]>([
      ['2112345012506', RCN_MARKET_EXAMPLES.eu, { kind: 'rcn', itemKey: '02112345000008', weightGrams: 1250 }],
      [']E02012345928756', RCN_MARKET_EXAMPLES.eu, { kind: 'rcn', itemKey: '02012345000001', priceCents: 2875 }],
      ['212345602997', RCN_MARKET_EXAMPLES.us, { kind: 'rcn', itemKey: '00212345000007', itemReference: '12345', priceCents: 299 }],
      [']E00212345602997', RCN_MARKET_EXAMPLES.us, { kind: 'rcn', priceCents: 299, layout: 'us-price-verifier' }],
      ['4006381333931', RCN_MARKET_EXAMPLES.eu, { kind: 'gtin', gtin14: '04006381333931' }],
    ])('%s', (raw, rcnLayouts, expected) => {
      expect(parseScan(raw, { rcnLayouts })).toMatchObject({ ok: true, ...expected });
    });

    it('rejects a price whose verifier digit does not match', () => {
      expect(parseScan('2012345828759', { rcnLayouts: RCN_MARKET_EXAMPLES.eu })).toMatchObject({
        ok: false,
        problem: 'BAD_PRICE_CHECK_DIGIT',
      });
    });
  });

  it('takes FNC1 stand-ins from the options', () => {
    const tilde = GS1_EXAMPLE.replace(GS, '~');
    expect(parseScan(tilde, { separators: ['~'] })).toEqual(GS1_EXAMPLE_SCAN);
    expect(parseScan(`]C1${tilde}`, { separators: ['~'] })).toEqual(GS1_EXAMPLE_SCAN);
    expect(parseScan(`]C1${tilde}`)).toMatchObject({ ok: false, problem: 'BAD_AI_VALUE' });
  });

  it('reads GS1 dates with the configured reference year', () => {
    expect(parseScan(']C1010950110102091717800101', { referenceYear: 2025 })).toMatchObject({ expiry: '1980-01-01' });
  });

  it('adds the catalogue pack multiplier as quantity', () => {
    const packMultiplier = (gtin14: string) => (gtin14 === '04006381333931' ? 6 : undefined);
    expect(parseScan('4006381333931', { packMultiplier })).toEqual({ ok: true, kind: 'gtin', gtin14: '04006381333931', quantity: 6 });
    expect(parseScan('96385074', { packMultiplier })).toEqual({ ok: true, kind: 'gtin', gtin14: '00000096385074' });
  });

  it('reads any encoded SGTIN-96 back as the GTIN and serial', () => {
    const gtinBody = fc.stringMatching(/^\d{13}$/);
    fc.assert(
      fc.property(gtinBody, fc.integer({ min: 6, max: 12 }), fc.bigInt({ min: 0n, max: (1n << 38n) - 1n }), (body, cpl, serial) => {
        const hex = encodeSgtin96({ gtin: `${body}${gtinCheckDigit(body)}`, serial, companyPrefixLength: cpl });
        expect(parseScan(hex)).toEqual({ ok: true, kind: 'epc', gtin14: `${body}${gtinCheckDigit(body)}`, serial: serial.toString() });
      }),
    );
  });

  it('never throws, whatever arrives', () => {
    const options: ScanOptions = { rcnLayouts: RCN_MARKET_EXAMPLES.eu, separators: ['~'] };
    const digitsAndGs = fc.array(fc.constantFrom(...'0123456789', GS, ']', 'C', '1', 'E', '(', ')'), { maxLength: 40 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), digitsAndGs), (raw) => {
        const result = parseScan(raw, options);
        return result.ok === true || (result.code === 'INVALID_BARCODE' && result.reason.length > 0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe(cleanScan.name, () => {
  it('drops whitespace anywhere but keeps GS', () => {
    expect(cleanScan(`\t]C1 0109501101020917 10AB${GS}21 1\r\n`)).toBe(`]C1010950110102091710AB${GS}211`);
  });
});
