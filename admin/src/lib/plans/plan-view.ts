import type { AbcClassDto, CountPlanDto, CountPlanInput, CountPlanRunDto } from '@stockfleet/shared';
import type { MessageKey } from '../i18n/en';
import type { Locale } from '../i18n/locales';

/** Pure rules of the count-plans page (no Svelte, no fetch), tested on their own. */

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;
type Cadence = Pick<CountPlanInput, 'cadence' | 'timeOfDay' | 'timezone' | 'weekday' | 'dayOfMonth'>;

export const CADENCES: readonly CountPlanInput['cadence'][] = ['daily', 'weekly', 'monthly'];
/** Monday first, as the week is laid out in both Chinese locales and most of Europe; 0 = Sunday as the hub counts. */
export const WEEKDAYS_MONDAY_FIRST: readonly number[] = [1, 2, 3, 4, 5, 6, 0];

const wdCache = new Map<string, Intl.DateTimeFormat>();

/** The locale's own name of a weekday (0 = Sunday … 6 = Saturday). */
export function weekdayName(weekday: number, locale: Locale): string {
  let f = wdCache.get(locale);
  if (!f) wdCache.set(locale, (f = new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' })));
  // 2024-01-07 was a Sunday.
  return f.format(Date.UTC(2024, 0, 7 + (((weekday % 7) + 7) % 7)));
}

/** "Weekly, Monday 06:00 Asia/Shanghai": the plan's schedule in words, in its own time zone. */
export function describeCadence(p: Cadence, t: Translate, locale: Locale): string {
  const base = { time: p.timeOfDay, tz: p.timezone };
  switch (p.cadence) {
    case 'daily':
      return t('plans.cadence.dailyAt', base);
    case 'weekly':
      return p.weekday === null ? t('plans.cadence.weekly') : t('plans.cadence.weeklyAt', { ...base, weekday: weekdayName(p.weekday, locale) });
    case 'monthly':
      return p.dayOfMonth === null ? t('plans.cadence.monthly') : t('plans.cadence.monthlyAt', { ...base, day: p.dayOfMonth });
  }
}

/** Zones offered in the plan form, besides the browser's own, the stores' and the plan's current one. */
export const COMMON_TIME_ZONES: readonly string[] = [
  'UTC',
  'Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Macau', 'Asia/Singapore', 'Asia/Kuala_Lumpur', 'Asia/Tokyo', 'Asia/Seoul',
  'Asia/Bangkok', 'Asia/Jakarta', 'Asia/Manila', 'Asia/Kolkata', 'Asia/Dubai',
  'Australia/Sydney', 'Australia/Perth', 'Pacific/Auckland',
  'Europe/London', 'Europe/Dublin', 'Europe/Paris', 'Europe/Berlin', 'Europe/Madrid', 'Europe/Rome', 'Europe/Amsterdam', 'Europe/Warsaw',
  'Europe/Istanbul', 'Europe/Moscow', 'Africa/Johannesburg',
  'America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'America/Toronto', 'America/Vancouver',
  'America/Mexico_City', 'America/Sao_Paulo',
];

export function isTimeZone(tz: string | null | undefined): tz is string {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The browser's own IANA zone, or UTC when it cannot say. */
export function browserTimeZone(): string {
  try {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return isTimeZone(tz) ? tz : 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Distinct valid zones, the common ones plus `extra` (browser, stores, the plan's own), UTC first then by name. */
export function timeZoneOptions(extra: readonly (string | null | undefined)[]): string[] {
  const set = new Set<string>();
  for (const tz of [...COMMON_TIME_ZONES, ...extra]) if (isTimeZone(tz)) set.add(tz);
  return [...set].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
}

export const DEFAULT_ABC: CountPlanInput['abc'] = { windowDays: 90, aShare: 0.8, bShare: 0.95, aEveryDays: 7, bEveryDays: 30, cEveryDays: 90, maxProducts: 500 };

/** The form's starting point: a new plan, or a copy of the plan being edited. */
export function planToInput(p: CountPlanDto | null, timezone: string): CountPlanInput {
  if (!p) {
    return {
      name: '', enabled: true, cadence: 'weekly', timeOfDay: '06:00', timezone, weekday: 1, dayOfMonth: null, storeIds: [],
      method: 'full', abc: { ...DEFAULT_ABC }, blind: true, autoStart: false,
    };
  }
  return {
    name: p.name, enabled: p.enabled, cadence: p.cadence, timeOfDay: p.timeOfDay, timezone: p.timezone, weekday: p.weekday, dayOfMonth: p.dayOfMonth,
    storeIds: [...p.storeIds], method: p.method, abc: { ...DEFAULT_ABC, ...p.abc }, blind: p.blind, autoStart: p.autoStart,
  };
}

/** Only the field its cadence uses is sent: a daily plan has no weekday, a weekly one no day of the month (as the hub stores it). */
export function normaliseCadence<T extends Pick<CountPlanInput, 'cadence' | 'weekday' | 'dayOfMonth'>>(p: T): T {
  return { ...p, weekday: p.cadence === 'weekly' ? p.weekday : null, dayOfMonth: p.cadence === 'monthly' ? p.dayOfMonth : null };
}

/** A share 0–1 shown as a whole percent in the form (0.8 → 80), and back (80 → 0.8). */
export function shareToPercent(share: number): number {
  return Math.round(share * 1000) / 10;
}
export function percentToShare(percent: number): number {
  return Math.round(percent * 10) / 1000;
}

export interface AbcSummary {
  A: number;
  B: number;
  C: number;
  due: number;
  total: number;
}

/** Products per class and how many a run would count now. */
export function summariseAbc(rows: readonly Pick<AbcClassDto, 'cls' | 'due'>[]): AbcSummary {
  const out: AbcSummary = { A: 0, B: 0, C: 0, due: 0, total: rows.length };
  for (const r of rows) {
    out[r.cls]++;
    if (r.due) out.due++;
  }
  return out;
}

/**
 * A message key for the plan form's own rules, which zod words in English only (the hub's refinements:
 * B's share above A's, A counted most often, a weekday for weekly, a day for monthly).
 */
export function planIssueKey(path: string, code: string): MessageKey | null {
  if (code !== 'custom') return null;
  if (path === 'abc.bShare') return 'plans.err.shares';
  if (path === 'abc.aEveryDays') return 'plans.err.everyOrder';
  if (path === 'weekday' || path === 'dayOfMonth') return 'validation.required';
  if (path === 'timezone') return 'plans.err.timezone';
  return null;
}

/** A run was asked for with "Run now" (`manual-…`) or fired by the plan's schedule (`at-<time>`). */
export function runTrigger(runKey: string): 'manual' | 'scheduled' {
  return runKey.startsWith('manual-') ? 'manual' : 'scheduled';
}

/**
 * Whether a listed run has finished. The hub lists a run as soon as it is claimed, with no stocktake and
 * a note that begins "in progress" until it is done; a finished run has its stocktake, or a note saying
 * why there is none (nothing due, failed).
 */
export function isRunFinished(r: Pick<CountPlanRunDto, 'stocktakeId' | 'note'>): boolean {
  return r.stocktakeId !== null || (r.note !== null && !/^in progress\b/i.test(r.note));
}

const zoneCache = new Map<string, Intl.DateTimeFormat>();

/** A moment as the clock on the plan's wall shows it ("Mon, 11/30/2026, 06:00"), so it reads like the plan's schedule. */
export function formatInZone(iso: string | null | undefined, timeZone: string, locale: Locale): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t) || !isTimeZone(timeZone)) return '—';
  const key = `${locale}|${timeZone}`;
  let f = zoneCache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    zoneCache.set(key, f);
  }
  return f.format(t);
}
