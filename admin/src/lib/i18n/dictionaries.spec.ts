import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '@stockfleet/shared';
import { ClientErrorCode } from '../api/api-error';
import { en } from './en';
import { zhHans } from './zh-hans';
import { zhHant } from './zh-hant';
import { interpolate, pickLocale, placeholders } from './locales';

const dictionaries = { en, 'zh-Hans': zhHans, 'zh-Hant': zhHant } as const;
const enKeys = Object.keys(en).sort();

describe('dictionaries', () => {
  it.each(Object.entries(dictionaries))('%s has exactly the English keys', (_name, dict) => {
    expect(Object.keys(dict).sort()).toEqual(enKeys);
  });

  it.each(Object.entries(dictionaries))('%s has no empty or untrimmed strings', (_name, dict) => {
    for (const [key, value] of Object.entries(dict)) {
      expect({ key, ok: value.trim().length > 0 && value === value.trim() }).toEqual({ key, ok: true });
    }
  });

  it.each([
    ['zh-Hans', zhHans],
    ['zh-Hant', zhHant],
  ] as const)('%s uses the same placeholders as English in every string', (_name, dict) => {
    for (const key of enKeys) {
      const k = key as keyof typeof en;
      expect({ key, p: placeholders(dict[k]) }).toEqual({ key, p: placeholders(en[k]) });
    }
  });

  it('translates the Chinese strings (no English text left over by mistake)', () => {
    // Keys whose value may legitimately be the same in every language (names, codes, abbreviations).
    const same = new Set(['app.name', 'scanner.hid', 'scanner.rfid', 'barcodeKind.gtin', 'catalog.col.sku', 'form.sku', 'enrol.for', 'import.fileInfo']);
    for (const key of enKeys) {
      if (same.has(key)) continue;
      const k = key as keyof typeof en;
      expect({ key, differs: zhHans[k] !== en[k] && zhHant[k] !== en[k] }).toEqual({ key, differs: true });
    }
  });

  it('has a message for every error code the hub or the client can produce', () => {
    for (const code of [...Object.values(ErrorCode), ...Object.values(ClientErrorCode)]) {
      expect(Object.keys(en)).toContain(`error.${code}`);
    }
  });

  it('keeps traditional and simplified Chinese apart', () => {
    expect(zhHans['nav.stocktakes']).toBe('盘点');
    expect(zhHant['nav.stocktakes']).toBe('盤點');
  });
});

describe(interpolate.name, () => {
  it('replaces named placeholders and leaves unknown ones visible', () => {
    expect(interpolate('{a} of {b} {c}', { a: 1, b: 'two' })).toBe('1 of two {c}');
    expect(interpolate('plain')).toBe('plain');
  });
});

describe(pickLocale.name, () => {
  it.each([
    [['zh-TW'], 'zh-Hant'],
    [['zh-HK', 'en'], 'zh-Hant'],
    [['zh-Hant-TW'], 'zh-Hant'],
    [['zh-CN'], 'zh-Hans'],
    [['zh'], 'zh-Hans'],
    [['fr-FR', 'en-GB'], 'en'],
    [['de'], 'en'],
    [[], 'en'],
  ] as const)('%j → %s', (langs, expected) => {
    expect(pickLocale(langs)).toBe(expected);
  });
});
