import type { Locale } from '../i18n/locales';

const rtfCache = new Map<string, Intl.RelativeTimeFormat>();
const dtfCache = new Map<string, Intl.DateTimeFormat>();
const nfCache = new Map<string, Intl.NumberFormat>();

function rtf(locale: Locale, numeric: 'always' | 'auto' = 'always'): Intl.RelativeTimeFormat {
  const key = `${locale}|${numeric}`;
  let f = rtfCache.get(key);
  if (!f) rtfCache.set(key, (f = new Intl.RelativeTimeFormat(locale, { numeric, style: 'short' })));
  return f;
}

function nf(locale: Locale, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(opts)}`;
  let f = nfCache.get(key);
  if (!f) nfCache.set(key, (f = new Intl.NumberFormat(locale, opts)));
  return f;
}

export const DASH = '—';

/** "12 sec. ago", "3 min. ago", "2 hr. ago", "4 days ago" — coarse on purpose so rows don't flicker. */
export function formatRelative(iso: string | null | undefined, nowMs: number, locale: Locale): string {
  if (!iso) return DASH;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return DASH;
  const s = Math.round((t - nowMs) / 1000);
  const a = Math.abs(s);
  if (a < 5) return rtf(locale, 'auto').format(0, 'second'); // "now"
  if (a < 60) return rtf(locale).format(Math.sign(s) * Math.floor(a / 5) * 5, 'second');
  if (a < 3600) return rtf(locale).format(Math.trunc(s / 60), 'minute');
  if (a < 86400) return rtf(locale).format(Math.trunc(s / 3600), 'hour');
  return rtf(locale).format(Math.trunc(s / 86400), 'day');
}

export function formatDateTime(iso: string | null | undefined, locale: Locale, withSeconds = true): string {
  if (!iso) return DASH;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return DASH;
  const key = `${locale}|${withSeconds}`;
  let f = dtfCache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
      ...(withSeconds ? { second: '2-digit' } : {}), hourCycle: 'h23',
    });
    dtfCache.set(key, f);
  }
  return f.format(t);
}

/** Countdown "4:59" / "1:02:03"; never negative. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Clock offset of a till: "+35 ms", "−1.2 s". */
export function formatOffset(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  const sign = ms > 0 ? '+' : ms < 0 ? '−' : '±';
  const a = Math.abs(ms);
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 60_000) return `${sign}${(a / 1000).toFixed(1)} s`;
  return `${sign}${Math.round(a / 60_000)} min`;
}

export function formatInt(n: number | null | undefined, locale: Locale): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  return nf(locale, { maximumFractionDigits: 0 }).format(n);
}

/** Signed quantity for ledgers: "+12", "−3". */
export function formatSigned(n: number, locale: Locale): string {
  const s = nf(locale, { maximumFractionDigits: 0 }).format(Math.abs(n));
  return n > 0 ? `+${s}` : n < 0 ? `−${s}` : s;
}

/** Money from integer cents, two decimals, no currency (the contract carries none). */
export function formatCents(cents: number | null | undefined, locale: Locale): string {
  if (cents === null || cents === undefined || !Number.isFinite(cents)) return DASH;
  return nf(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(cents / 100);
}

/** "12", "12.5", "1,234.56" → cents; null when it is not a non-negative amount with ≤ 2 decimals. */
export function parseMoneyToCents(input: string): number | null {
  const s = input.trim().replace(/[,\s]/g, '');
  if (!/^\d+(\.\d{0,2})?$/.test(s)) return null;
  const [whole, frac = ''] = s.split('.');
  const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  return Number.isSafeInteger(cents) ? cents : null;
}

export function centsToInput(cents: number): string {
  return (cents / 100).toFixed(2);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** `<input type="datetime-local">` value (local time) → ISO UTC string, or undefined. */
export function localInputToIso(v: string): string | undefined {
  if (!v) return undefined;
  const t = new Date(v).getTime();
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}
