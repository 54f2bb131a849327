import { WedgeDetector, type WedgeVerdict } from './wedge-detector.js';

/** Feeds keys at the given intervals; returns the verdicts. */
function type(sut: WedgeDetector, keys: string[], gapMs: number | number[], start = 1000): WedgeVerdict[] {
  let t = start;
  return keys.map((k, i) => {
    if (i > 0) t += Array.isArray(gapMs) ? gapMs[i - 1] : gapMs;
    return sut.key(k, t);
  });
}

const chars = (s: string) => [...s];

describe(WedgeDetector.name, () => {
  it('recognises a fast burst ending with Enter as a scan and swallows the Enter', () => {
    const sut = new WedgeDetector();
    const v = type(sut, [...chars('4006381333931'), 'Enter'], 8);
    expect(v[0]).toEqual({ type: 'start' });
    expect(v.at(-1)).toEqual({ type: 'scan', value: '4006381333931', swallowKey: true });
  });

  it('accepts Tab as terminator and ignores Shift between characters', () => {
    const sut = new WedgeDetector();
    const v = type(sut, ['Shift', 'A', 'B', 'Shift', 'C', '1', '2', 'Tab'], 5);
    expect(v.at(-1)).toEqual({ type: 'scan', value: 'ABC12', swallowKey: true });
  });

  it('leaves human typing alone (gaps of 100 ms)', () => {
    const sut = new WedgeDetector();
    const v = type(sut, [...chars('1234'), 'Enter'], 100);
    expect(v.every((x) => x.type !== 'scan')).toBe(true);
  });

  it('needs at least minLength characters', () => {
    const sut = new WedgeDetector({ minLength: 4 });
    expect(type(sut, ['1', '2', '3', 'Enter'], 5).at(-1)).toEqual({ type: 'none' });
    expect(type(sut, ['1', '2', '3', '4', 'Enter'], 5, 5000).at(-1)).toMatchObject({ type: 'scan', value: '1234' });
  });

  it('starts over when a gap is too long, so slow keys before a scan are not part of it', () => {
    const sut = new WedgeDetector();
    const v = type(sut, ['9', '9', ...chars('12345678'), 'Enter'], [200, 300, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(v.at(-1)).toEqual({ type: 'scan', value: '12345678', swallowKey: true });
  });

  it('a pause inside the code breaks it (no scan)', () => {
    const sut = new WedgeDetector();
    const v = type(sut, [...chars('1234'), ...chars('5678'), 'Enter'], [5, 5, 5, 120, 5, 5, 5, 5]);
    // The burst after the pause is itself a valid 4-character scan.
    expect(v.at(-1)).toEqual({ type: 'scan', value: '5678', swallowKey: true });
  });

  it('an Enter long after the last character is a person pressing Enter', () => {
    const sut = new WedgeDetector();
    expect(type(sut, [...chars('123456'), 'Enter'], [5, 5, 5, 5, 5, 500]).at(-1)).toEqual({ type: 'none' });
  });

  it('honours a configured suffix instead of a terminator key', () => {
    const sut = new WedgeDetector({ suffix: '#', terminators: [] });
    const v = type(sut, chars('ABCDE#'), 5);
    expect(v.at(-1)).toEqual({ type: 'scan', value: 'ABCDE', swallowKey: false });
  });

  it('requires and strips a configured prefix', () => {
    const sut = new WedgeDetector({ prefix: '~' });
    expect(type(sut, [...chars('~12345'), 'Enter'], 5).at(-1)).toEqual({ type: 'scan', value: '12345', swallowKey: true });
    expect(type(sut, [...chars('12345'), 'Enter'], 5, 9000).at(-1)).toEqual({ type: 'none' });
  });

  it('an arrow or Backspace key ends the burst', () => {
    const sut = new WedgeDetector();
    expect(type(sut, ['1', '2', 'Backspace', '3', '4', 'Enter'], 5).at(-1)).toEqual({ type: 'none' });
  });
});
