import { isLocale, pickLocale, translate, type Locale, type MessageKey, type Params } from './i18n.js';

const STORAGE_KEY = 'stockfleet.locale';

/** The current language; components call `i18n.t(key)` and re-render when it changes. */
export class I18n {
  locale = $state<Locale>('en');

  constructor() {
    let stored: string | null = null;
    try {
      stored = localStorage.getItem(STORAGE_KEY);
    } catch {
      stored = null;
    }
    this.locale = isLocale(stored) ? stored : pickLocale(typeof navigator === 'undefined' ? [] : navigator.languages ?? []);
    this.#apply();
  }

  set(locale: Locale): void {
    this.locale = locale;
    try {
      localStorage.setItem(STORAGE_KEY, locale);
    } catch {
      /* private mode: the choice lasts until reload */
    }
    this.#apply();
  }

  t = (key: MessageKey, params?: Params): string => translate(this.locale, key, params);

  #apply(): void {
    if (typeof document !== 'undefined') document.documentElement.lang = this.locale;
  }
}
