import fc from 'fast-check';
import { normaliseText, Secret, Text, textProblem } from './text';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ANY_CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const CONTROL_BUT_LF_TAB = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/** Strings that reach the edges: controls, lone and paired surrogates, combining marks, spaces, CR LF. */
const hostileChar = fc.constantFrom(
  '\u0000', '\u0001', '\t', '\n', '\r', '\u001B', '\u007F', '\u0085', '\u009F', '\uD800', '\uDBFF', '\uDC00', '\uDFFF',
  '\uD83D\uDE00', 'e\u0301', '\u00E9', '\u212B', ' ', '\u00A0', '\u3000', '\uFEFF', 'a', 'Z', '7', '商', '\u200B',
);
const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(hostileChar, { maxLength: 30 }).map((cs) => cs.join('')),
  fc.tuple(fc.string({ maxLength: 10 }), hostileChar, fc.string({ maxLength: 10 })).map(([a, c, b]) => a + c + b),
);

describe(Text.name, () => {
  const sut = Text({ min: 1, max: 20 });

  it.each([
    ['  Milk 1 l  ', 'Milk 1 l'],
    ['e\u0301clair', '\u00E9clair'],
    ['\u212B', '\u00C5'],
    ['Grüner Tee 绿茶', 'Grüner Tee 绿茶'],
    ['\uD83D\uDE00 smile', '\uD83D\uDE00 smile'],
    ['\u00A0nbsp\u3000', 'nbsp'],
  ])('accepts %j as %j (NFC, trimmed)', (input, output) => {
    expect(sut.parse(input)).toBe(output);
  });

  it.each([
    ['NUL', 'a\u0000b', /control characters such as U\+0000/],
    ['escape', 'a\u001Bb', /U\+001B/],
    ['newline in a one-line field', 'a\nb', /U\+000A/],
    ['tab in a one-line field', 'a\tb', /U\+0009/],
    ['DEL', 'a\u007Fb', /U\+007F/],
    ['C1 (NEL)', 'a\u0085b', /U\+0085/],
    ['a lone high surrogate', 'a\uD800b', /unpaired UTF-16 surrogate, U\+D800/],
    ['a lone low surrogate', 'a\uDC00', /unpaired UTF-16 surrogate, U\+DC00/],
    ['a reversed pair', '\uDE00\uD83D', /unpaired UTF-16 surrogate/],
  ])('refuses %s with a clear message', (_name, input, message) => {
    const r = sut.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ code: 'custom', message: expect.stringMatching(message), params: { rule: 'text' } });
  });

  it.each([
    ['only spaces', '    ', 'too_small'],
    ['longer than max after normalising', 'x'.repeat(21), 'too_big'],
    ['a number', 42, 'invalid_type'],
    ['an object', { toString: 'x' }, 'invalid_type'],
    ['null', null, 'invalid_type'],
  ])('refuses %s', (_name, input, code) => {
    const r = sut.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.code)).toContain(code);
  });

  it('measures length after normalisation, in code points (as varchar(n) does)', () => {
    expect(sut.parse('e\u0301'.repeat(20))).toBe('\u00E9'.repeat(20));
    expect(sut.parse('\uD83D\uDE00'.repeat(20))).toHaveLength(40);
    expect(sut.safeParse('\uD83D\uDE00'.repeat(21)).success).toBe(false);
  });

  it('keeps newlines and tabs in multi-line text, and makes CR LF and CR into LF', () => {
    const notes = Text({ max: 100, multiline: true });
    expect(notes.parse(' line 1\r\nline 2\rline\t3 \n')).toBe('line 1\nline 2\nline\t3');
    expect(notes.safeParse('a\u0000b').success).toBe(false);
    expect(notes.safeParse('a\u000Bb').success).toBe(false);
  });

  it('any string is either refused or comes back NFC, trimmed, without controls or lone surrogates, within bounds', () => {
    fc.assert(
      fc.property(hostileString, fc.boolean(), (input, multiline) => {
        const schema = Text({ min: 1, max: 20, multiline });
        const r = schema.safeParse(input);
        if (!r.success) return true;
        const out = r.data;
        expect(out).toBe(out.normalize('NFC'));
        expect(out).toBe(out.trim());
        expect(out).not.toMatch(LONE_SURROGATE);
        expect(out).not.toMatch(multiline ? CONTROL_BUT_LF_TAB : ANY_CONTROL);
        if (multiline) expect(out).not.toContain('\r');
        expect([...out].length).toBeGreaterThanOrEqual(1);
        expect([...out].length).toBeLessThanOrEqual(20);
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses exactly the strings whose cleaned form has a control or a lone surrogate (when the length fits)', () => {
    fc.assert(
      fc.property(hostileString, (input) => {
        const cleaned = normaliseText(input);
        const bad = ANY_CONTROL.test(cleaned) || LONE_SURROGATE.test(cleaned);
        // Lengths in code points, as varchar(n) counts them.
        const fits = [...cleaned].length >= 1 && [...cleaned].length <= 20;
        expect(sut.safeParse(input).success).toBe(!bad && fits);
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent: what it returns parses to itself', () => {
    fc.assert(
      fc.property(hostileString, (input) => {
        const r = sut.safeParse(input);
        if (r.success) expect(sut.parse(r.data)).toBe(r.data);
      }),
    );
  });
});

describe(Secret.name, () => {
  const sut = Secret({ min: 1, max: 50 });

  it('keeps a password exactly as typed (no trimming, no normalising)', () => {
    expect(sut.parse(' pass e\u0301 ')).toBe(' pass e\u0301 ');
  });

  it.each([['NUL', 'pass\u0000word'], ['lone surrogate', 'pass\uD800word'], ['newline', 'pass\nword']])('refuses %s', (_name, input) => {
    expect(sut.safeParse(input).success).toBe(false);
  });
});

describe(textProblem.name, () => {
  it('names the first bad character', () => {
    expect(textProblem('ok')).toBeNull();
    expect(textProblem('a\u0001\u0000')).toMatch(/U\+0001/);
    expect(textProblem('a\n', true)).toBeNull();
  });
});
