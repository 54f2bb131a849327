import { describe, expect, it } from '@jest/globals';
import { formatCents, formatCountdown, formatInt, formatOffset, formatRelative, formatSigned, localInputToIso, parseMoneyToCents } from './format';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

describe(formatRelative.name, () => {
  it('is coarse so live rows do not flicker every second', () => {
    expect(formatRelative(ago(2), NOW, 'en')).toBe('now');
    expect(formatRelative(ago(12), NOW, 'en')).toBe('10 sec. ago');
    expect(formatRelative(ago(14), NOW, 'en')).toBe('10 sec. ago');
    expect(formatRelative(ago(125), NOW, 'en')).toBe('2 min. ago');
    expect(formatRelative(ago(3 * 3600 + 10), NOW, 'en')).toBe('3 hr. ago');
    expect(formatRelative(ago(3 * 86400), NOW, 'en')).toBe('3 days ago');
  });

  it('speaks Chinese and shows a dash for nothing', () => {
    expect(formatRelative(ago(125), NOW, 'zh-Hans')).toBe('2分钟前');
    expect(formatRelative(ago(125), NOW, 'zh-Hant')).toBe('2 分鐘前');
    expect(formatRelative(null, NOW, 'en')).toBe('—');
    expect(formatRelative('garbage', NOW, 'en')).toBe('—');
  });
});

describe(formatCountdown.name, () => {
  it.each([
    [300_000, '5:00'],
    [299_001, '5:00'],
    [61_000, '1:01'],
    [999, '0:01'],
    [0, '0:00'],
    [-5000, '0:00'],
    [3_723_000, '1:02:03'],
  ])('%d ms → %s', (ms, s) => expect(formatCountdown(ms)).toBe(s));
});

describe(formatOffset.name, () => {
  it.each([
    [35, '+35 ms'],
    [-35.4, '−35 ms'],
    [0, '±0 ms'],
    [1250, '+1.3 s'],
    [-125_000, '−2 min'],
    [null, '—'],
  ])('%p → %s', (ms, s) => expect(formatOffset(ms)).toBe(s));
});

describe(parseMoneyToCents.name, () => {
  it.each([
    ['12', 1200],
    ['12.5', 1250],
    ['12.50', 1250],
    ['1,234.56', 123456],
    [' 0.07 ', 7],
    ['12.', 1200],
  ])('%s → %d', (s, c) => expect(parseMoneyToCents(s)).toBe(c));

  it.each(['', 'abc', '-1', '1.234', '1e3'])('%s is refused', (s) => expect(parseMoneyToCents(s)).toBeNull());
});

describe('number formats', () => {
  it('groups, signs and shows cents', () => {
    expect(formatInt(12345, 'en')).toBe('12,345');
    expect(formatInt(null, 'en')).toBe('—');
    expect(formatSigned(5, 'en')).toBe('+5');
    expect(formatSigned(-1200, 'en')).toBe('−1,200');
    expect(formatCents(123456, 'en')).toBe('1,234.56');
    expect(formatCents(5, 'zh-Hans')).toBe('0.05');
  });
});

describe(localInputToIso.name, () => {
  it('turns a datetime-local value into UTC ISO, or nothing', () => {
    expect(localInputToIso('')).toBeUndefined();
    expect(localInputToIso('nonsense')).toBeUndefined();
    const iso = localInputToIso('2025-06-01T08:30');
    expect(iso).toMatch(/^2025-0[56]-\d\dT\d\d:30:00\.000Z$/);
    expect(new Date(iso!).getTime()).toBe(new Date(2025, 5, 1, 8, 30).getTime());
  });
});
