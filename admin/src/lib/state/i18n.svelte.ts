import type { ErrorCode } from '@stockfleet/shared';
import { type ApiErrorCode, toApiError } from '$lib/api/api-error';
import { en, type Dictionary, type MessageKey } from '$lib/i18n/en';
import { zhHans } from '$lib/i18n/zh-hans';
import { zhHant } from '$lib/i18n/zh-hant';
import { interpolate, isLocale, pickLocale, type Locale } from '$lib/i18n/locales';

const DICTS: Record<Locale, Dictionary> = { en, 'zh-Hans': zhHans, 'zh-Hant': zhHant };
const STORAGE_KEY = 'stockfleet.admin.locale';

// Every error code has a message (compile-time check).
type ErrorKey = `error.${ApiErrorCode}`;
const _everyErrorTranslated: ErrorKey extends MessageKey ? true : never = true;
void _everyErrorTranslated;

export class I18n {
  locale = $state<Locale>('en');

  constructor() {
    let saved: string | null = null;
    try {
      saved = globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
    } catch {
      saved = null;
    }
    this.locale = isLocale(saved) ? saved : pickLocale(globalThis.navigator?.languages ?? []);
    this.#applyToDocument();
  }

  /** Translate; reading `locale` here makes every caller re-render when the language changes. */
  t = (key: MessageKey, params?: Record<string, string | number>): string => interpolate(DICTS[this.locale][key] ?? en[key], params);

  /** A person-readable message for any thrown error. */
  errorMessage = (e: unknown): string => {
    const err = toApiError(e);
    const key = `error.${err.code}` as ErrorKey;
    return this.t(key);
  };

  /** The code of a thrown error (for switching in pages). */
  errorCode(e: unknown): ApiErrorCode | ErrorCode {
    return toApiError(e).code;
  }

  setLocale(locale: Locale): void {
    this.locale = locale;
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, locale);
    } catch {
      /* private mode: the choice lasts for this tab only */
    }
    this.#applyToDocument();
  }

  #applyToDocument(): void {
    if (typeof document !== 'undefined') document.documentElement.lang = this.locale;
  }
}
