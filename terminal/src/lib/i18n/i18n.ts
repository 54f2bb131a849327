import { en, type Dictionary, type MessageKey } from './en.js';
import { zhHans } from './zh-hans.js';
import { zhHant } from './zh-hant.js';

export type Locale = 'en' | 'zh-Hans' | 'zh-Hant';
export type { MessageKey, Dictionary };

export const LOCALES: ReadonlyArray<{ id: Locale; label: string }> = [
  { id: 'en', label: 'English' },
  { id: 'zh-Hans', label: '简体中文' },
  { id: 'zh-Hant', label: '繁體中文' },
];

export const dictionaries: Record<Locale, Dictionary> = { en, 'zh-Hans': zhHans, 'zh-Hant': zhHant };

export function isLocale(x: unknown): x is Locale {
  return x === 'en' || x === 'zh-Hans' || x === 'zh-Hant';
}

/** Best match for a browser language list (zh-TW / zh-HK → Traditional, other zh → Simplified). */
export function pickLocale(languages: readonly string[]): Locale {
  for (const l of languages) {
    const s = l.toLowerCase();
    if (s.startsWith('zh')) return /hant|tw|hk|mo/.test(s) ? 'zh-Hant' : 'zh-Hans';
    if (s.startsWith('en')) return 'en';
  }
  return 'en';
}

export type Params = Record<string, string | number>;

/** Looks a key up and fills its {placeholders}; a missing translation falls back to English. */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const template = dictionaries[locale][key] ?? en[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}
