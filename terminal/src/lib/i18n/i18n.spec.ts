import { en } from './en.js';
import { dictionaries, LOCALES, pickLocale, placeholders, translate } from './i18n.js';

describe('i18n dictionaries', () => {
  const keys = Object.keys(en).sort();

  it.each(LOCALES.map((l) => l.id))('%s has exactly the English keys, none empty', (locale) => {
    const dict = dictionaries[locale] as Record<string, string>;
    expect(Object.keys(dict).sort()).toEqual(keys);
    for (const k of keys) expect(dict[k].trim().length).toBeGreaterThan(0);
  });

  it.each(LOCALES.map((l) => l.id))('%s uses the same {placeholders} as English', (locale) => {
    const dict = dictionaries[locale] as Record<string, string>;
    for (const k of keys) expect([k, placeholders(dict[k])]).toEqual([k, placeholders((en as Record<string, string>)[k])]);
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'sell.completed', { seq: 7 })).toBe('Sale 7 saved');
    expect(translate('zh-Hans', 'sell.items', { n: 3 })).toBe('3 件');
    expect(translate('en', 'sell.completed')).toBe('Sale {seq} saved');
  });

  it('picks Traditional Chinese for TW/HK, Simplified for other zh, English otherwise', () => {
    expect(pickLocale(['zh-TW'])).toBe('zh-Hant');
    expect(pickLocale(['zh-HK', 'en'])).toBe('zh-Hant');
    expect(pickLocale(['zh-Hant-TW'])).toBe('zh-Hant');
    expect(pickLocale(['zh-CN'])).toBe('zh-Hans');
    expect(pickLocale(['zh'])).toBe('zh-Hans');
    expect(pickLocale(['fr-FR', 'en-GB'])).toBe('en');
    expect(pickLocale([])).toBe('en');
  });
});
