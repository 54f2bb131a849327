import fc from 'fast-check';
import type { BarcodeProblem } from './barcode-error.js';
import { GROUP_SEPARATOR as GS, gs1DateToIso, parseGs1ElementString } from './gs1-element-string.js';
import { gtinCheckDigit } from './gtin.js';

const withProblem = (problem: BarcodeProblem) => expect.objectContaining({ problem });

// The example element string GS1 uses in its barcode guidelines:
// (01)09501101020917 (17)190508 (10)ABCD1234 (21)10 — batch is variable length, so FNC1 follows it.
const EXAMPLE = `01095011010209171719050810ABCD1234${GS}2110`;
const EXAMPLE_FIELDS = { gtin: '09501101020917', expiry: '2019-05-08', batch: 'ABCD1234', serial: '10' };

describe(parseGs1ElementString.name, () => {
  it.each([
    ['GS1-128 ]C1', `]C1${EXAMPLE}`],
    ['GS1 DataMatrix ]d2', `]d2${EXAMPLE}`],
    ['GS1 QR ]Q3', `]Q3${EXAMPLE}`],
    ['no symbology identifier', EXAMPLE],
    ['a leading FNC1 sent as GS', `${GS}${EXAMPLE}`],
    ['a trailing GS', `${EXAMPLE}${GS}`],
    ['bracketed human-readable form', '(01)09501101020917(17)190508(10)ABCD1234(21)10'],
  ])('reads the GS1 example with %s', (_label, input) => {
    const parsed = parseGs1ElementString(input);
    expect(parsed).toMatchObject(EXAMPLE_FIELDS);
    expect(parsed.elements).toEqual([
      { ai: '01', value: '09501101020917' },
      { ai: '17', value: '190508' },
      { ai: '10', value: 'ABCD1234' },
      { ai: '21', value: '10' },
    ]);
  });

  it.each([
    ['3100', '000125', 125],
    ['3101', '001250', 125],
    ['3103', '001250', 1.25],
    ['3103', '000150', 0.15],
    ['3105', '123456', 1.23456],
  ])('AI (%s) %s is %d kg', (ai, value, kg) => {
    expect(parseGs1ElementString(`]C10195012345678903${ai}${value}`)).toMatchObject({
      gtin: '95012345678903',
      netWeightKg: kg,
    });
  });

  it('reads AI 30 (variable count) after AI 01', () => {
    expect(parseGs1ElementString(']C1010950110102091730120')).toMatchObject({ gtin: '09501101020917', count: 120 });
  });

  it('reads a logistic label: SSCC, content GTIN (02) and count (37)', () => {
    expect(parseGs1ElementString(`]C1001061414112345678970209501101020917${'37'}24`)).toMatchObject({
      sscc: '106141411234567897',
      contentGtin: '09501101020917',
      contentCount: 24,
    });
  });

  it('needs no FNC1 after a fixed-length AI but tolerates one', () => {
    const a = parseGs1ElementString(`]C1${'01'}09501101020917${GS}17190508`);
    const b = parseGs1ElementString(']C10109501101020917' + '17190508');
    expect(a).toEqual(b);
  });

  it('ends a variable-length value at GS, then reads the next AI', () => {
    expect(parseGs1ElementString(`]C110LOT-7/A${GS}0109501101020917${'21'}X1`)).toMatchObject({
      batch: 'LOT-7/A',
      gtin: '09501101020917',
      serial: 'X1',
    });
  });

  it('keeps AIs it knows but does not interpret (pack date, price)', () => {
    const parsed = parseGs1ElementString(`0109501101020917${'13'}240131${'3922'}1299${GS}10B1`);
    expect(parsed.elements.map((e) => e.ai)).toEqual(['01', '13', '3922', '10']);
    expect(parsed.batch).toBe('B1');
  });

  it('without FNC1 a variable-length value runs on to the end of the data', () => {
    // The scanner is at fault, and nothing in the data can tell; documented, not guessed at.
    expect(parseGs1ElementString(']C110ABCD12342110').batch).toBe('ABCD12342110');
  });

  it('accepts configured stand-ins for FNC1', () => {
    expect(parseGs1ElementString(EXAMPLE.replace(GS, '~'), { separators: ['~'] })).toMatchObject(EXAMPLE_FIELDS);
  });

  it('accepts an AI repeated with the same value and keeps it once', () => {
    const parsed = parseGs1ElementString('01095011010209170109501101020917');
    expect(parsed.elements).toEqual([{ ai: '01', value: '09501101020917' }]);
  });

  it.each<[string, string, BarcodeProblem]>([
    ['empty', '', 'EMPTY'],
    ['only a symbology identifier', ']C1', 'EMPTY'],
    ['not a GS1 symbology', ']C00109501101020917', 'NOT_GS1'],
    ['unknown AI', ']C1230109501101020917', 'UNKNOWN_AI'],
    ['unknown AI after a known one', ']C1010950110102091723', 'UNKNOWN_AI'],
    ['GTIN with a wrong check digit', ']C10109501101020918', 'BAD_CHECK_DIGIT'],
    ['truncated GTIN', ']C1010950110102', 'BAD_AI_VALUE'],
    ['GS inside a fixed-length value', `]C101095011${GS}01020917`, 'BAD_AI_VALUE'],
    ['batch over 20 characters', `]C110${'A'.repeat(21)}`, 'BAD_AI_VALUE'],
    ['AI without value', `]C110${GS}0109501101020917`, 'BAD_AI_VALUE'],
    ['letters in a numeric AI', ']C130A2', 'BAD_AI_VALUE'],
    ['character outside set 82', ']C110AB#1', 'BAD_AI_VALUE'],
    ['month 13', ']C10109501101020917171913' + '08', 'BAD_DATE'],
    ['30 February', ']C1010950110102091717240230', 'BAD_DATE'],
    ['conflicting repeat', ']C101095011010209170195012345678903', 'DUPLICATE_AI'],
    ['bracketed, unknown first AI', '(23)12', 'UNKNOWN_AI'],
    ['bracketed, batch too long', `(10)${'B'.repeat(21)}`, 'BAD_AI_VALUE'],
  ])('%s → %s', (_label, input, problem) => {
    expect(() => parseGs1ElementString(input)).toThrow(withProblem(problem));
  });

  it('names the AI at fault in the message', () => {
    expect(() => parseGs1ElementString(']C10109501101020918')).toThrow(/AI \(01\) GTIN/);
    expect(() => parseGs1ElementString(`]C110${'A'.repeat(21)}`)).toThrow(/FNC1/);
  });

  it('reads back any combination of its AIs, in any order, joined as a scanner would', () => {
    const set82 = fc.constantFrom(...'!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz');
    const text = fc.array(set82, { minLength: 1, maxLength: 20 }).map((cs) => cs.join(''));
    const gtin = fc.stringMatching(/^\d{13}$/).map((b) => `${b}${gtinCheckDigit(b)}`);
    const date = fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true });
    const fields = fc.record({ gtin, batch: text, serial: text, expiry: date, count: fc.integer({ min: 0, max: 99_999_999 }) });
    fc.assert(
      fc.property(fields, fc.func(fc.integer()), (f, order) => {
        const iso = f.expiry.toISOString().slice(0, 10);
        const yymmdd = iso.slice(2).replaceAll('-', '');
        const elements = [
          { text: `01${f.gtin}`, fixed: true },
          { text: `17${yymmdd}`, fixed: true },
          { text: `10${f.batch}`, fixed: false },
          { text: `21${f.serial}`, fixed: false },
          { text: `30${f.count}`, fixed: false },
        ].sort((a, b) => order(a.text) - order(b.text));
        const data = elements.map((e, i) => (e.fixed || i === elements.length - 1 ? e.text : `${e.text}${GS}`)).join('');
        const parsed = parseGs1ElementString(`]d2${data}`);
        expect(parsed).toMatchObject({ gtin: f.gtin, expiry: iso, batch: f.batch, serial: f.serial, count: f.count });
      }),
    );
  });
});

describe(gs1DateToIso.name, () => {
  it.each([
    ['190508', '2019-05-08'],
    ['240200', '2024-02-29'], // day 00: last day of the month, leap year
    ['230200', '2023-02-28'],
    ['191200', '2019-12-31'],
    ['000229', '2000-02-29'],
  ])('%s → %s', (yymmdd, iso) => {
    expect(gs1DateToIso(yymmdd)).toBe(iso);
  });

  it.each([
    // GS1 century rule: within -49..+50 years of the reference year.
    ['800101', 2025, '1980-01-01'],
    ['750101', 2025, '2075-01-01'],
    ['190101', 2080, '2119-01-01'],
    ['300101', 2080, '2130-01-01'],
    ['310101', 2080, '2031-01-01'],
  ])('%s in %i → %s', (yymmdd, year, iso) => {
    expect(gs1DateToIso(yymmdd, year)).toBe(iso);
  });

  it.each(['19050', '1905081', '191305', '190532', '190229', 'ab0101'])('rejects %s', (yymmdd) => {
    expect(() => gs1DateToIso(yymmdd)).toThrow(withProblem('BAD_DATE'));
  });
});
