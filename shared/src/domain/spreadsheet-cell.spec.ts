import fc from 'fast-check';
import { FORMULA_NEUTRALISING_CASES, FORMULA_TRIGGERS, neutraliseFormula } from './spreadsheet-cell';

describe(neutraliseFormula.name, () => {
  it.each(FORMULA_NEUTRALISING_CASES.map(([input, output]) => [JSON.stringify(input), input, output]))('%s', (_label, input, output) => {
    expect(neutraliseFormula(input)).toBe(output);
  });

  it('covers OWASP\'s six characters and nothing else', () => {
    expect([...FORMULA_TRIGGERS].sort()).toEqual(['\t', '\r', '+', '-', '=', '@'].sort());
    expect(FORMULA_NEUTRALISING_CASES.some(([i]) => i.startsWith('-') && Number.isFinite(Number(i)))).toBe(true); // "-1" as text
  });

  it('leaves no cell starting with a trigger, keeps the text after the quote, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('', ...FORMULA_TRIGGERS), (tail, head) => {
        const text = head + tail;
        const sut = neutraliseFormula(text);
        expect(FORMULA_TRIGGERS.includes(sut[0] ?? '')).toBe(false);
        expect(sut === text || sut === `'${text}`).toBe(true);
        expect(neutraliseFormula(sut)).toBe(sut);
      }),
    );
  });
});
