import { describe, expect, it } from '@jest/globals';
import { CountPlanInputSchema, type CountPlanDto } from '@stockfleet/shared';
import { en, type MessageKey } from '../i18n/en';
import { zhHans } from '../i18n/zh-hans';
import { interpolate } from '../i18n/locales';
import {
  describeCadence,
  formatInZone,
  isRunFinished,
  normaliseCadence,
  percentToShare,
  planIssueKey,
  planToInput,
  runTrigger,
  shareToPercent,
  summariseAbc,
  timeZoneOptions,
  weekdayName,
} from './plan-view';

const tEn = (key: MessageKey, params?: Record<string, string | number>) => interpolate(en[key], params);
const tZh = (key: MessageKey, params?: Record<string, string | number>) => interpolate(zhHans[key], params);
const cadence = (over: Partial<Parameters<typeof describeCadence>[0]>) => ({
  cadence: 'daily' as const, timeOfDay: '06:00', timezone: 'Asia/Shanghai', weekday: null, dayOfMonth: null, ...over,
});

describe(describeCadence.name, () => {
  it('says the schedule in words, in the plan’s own time zone', () => {
    expect(describeCadence(cadence({ cadence: 'weekly', weekday: 1 }), tEn, 'en')).toBe('Weekly, Monday 06:00 Asia/Shanghai');
    expect(describeCadence(cadence({}), tEn, 'en')).toBe('Daily, 06:00 Asia/Shanghai');
    expect(describeCadence(cadence({ cadence: 'monthly', dayOfMonth: 28, timeOfDay: '23:30', timezone: 'Europe/London' }), tEn, 'en'))
      .toBe('Monthly, day 28, 23:30 Europe/London');
  });

  it('uses the locale’s weekday names', () => {
    expect(describeCadence(cadence({ cadence: 'weekly', weekday: 0 }), tZh, 'zh-Hans')).toBe('每周星期日 06:00（Asia/Shanghai）');
    expect([0, 6].map((d) => weekdayName(d, 'en'))).toEqual(['Sunday', 'Saturday']);
  });

  it('falls back to the bare cadence when its day is missing', () => {
    expect(describeCadence(cadence({ cadence: 'weekly', weekday: null }), tEn, 'en')).toBe('Weekly');
  });
});

describe(timeZoneOptions.name, () => {
  it('adds the browser’s and the stores’ zones to the common ones, once each, UTC first, and drops invalid ones', () => {
    const sut = timeZoneOptions(['America/Argentina/Salta', 'Asia/Shanghai', 'Not/AZone', null, '']);
    expect(sut[0]).toBe('UTC');
    expect(sut).toContain('America/Argentina/Salta');
    expect(sut.filter((z) => z === 'Asia/Shanghai')).toHaveLength(1);
    expect(sut).not.toContain('Not/AZone');
    expect(sut.slice(1)).toEqual([...sut.slice(1)].sort((a, b) => a.localeCompare(b)));
  });
});

describe(planToInput.name, () => {
  it('starts a new plan as a valid weekly full count once it has a name and a store', () => {
    const sut = planToInput(null, 'Asia/Shanghai');
    expect(sut).toMatchObject({ cadence: 'weekly', weekday: 1, timezone: 'Asia/Shanghai', method: 'full', enabled: true, blind: true, autoStart: false });
    expect(CountPlanInputSchema.safeParse(sut).success).toBe(false);
    const store = '5f0c2a1e-3b4d-4c5e-8f6a-7b8c9d0e1f2a';
    expect(CountPlanInputSchema.safeParse({ ...sut, name: 'Weekly', storeIds: [store] }).success).toBe(true);
  });

  it('copies a plan for editing without the fields the hub adds', () => {
    const dto = { ...planToInput(null, 'UTC'), name: 'P', storeIds: ['s'], id: 'x', createdBy: 'a', createdAt: '', nextRunAt: null, lastRunAt: null, lastStocktakeId: null } as CountPlanDto;
    const sut = planToInput(dto, 'Asia/Tokyo');
    expect(Object.keys(sut).sort()).toEqual(Object.keys(planToInput(null, 'UTC')).sort());
    expect(sut).toMatchObject({ name: 'P', timezone: 'UTC' });
    sut.storeIds.push('t');
    expect(dto.storeIds).toEqual(['s']);
  });
});

describe(normaliseCadence.name, () => {
  it('keeps only the day field the cadence uses', () => {
    expect(normaliseCadence({ cadence: 'daily', weekday: 3, dayOfMonth: 4 })).toEqual({ cadence: 'daily', weekday: null, dayOfMonth: null });
    expect(normaliseCadence({ cadence: 'weekly', weekday: 3, dayOfMonth: 4 })).toEqual({ cadence: 'weekly', weekday: 3, dayOfMonth: null });
    expect(normaliseCadence({ cadence: 'monthly', weekday: 3, dayOfMonth: 4 })).toEqual({ cadence: 'monthly', weekday: null, dayOfMonth: 4 });
  });
});

describe('shares as percents', () => {
  it.each([[0.8, 80], [0.95, 95], [0.125, 12.5]])('%d ↔ %d %%', (share, percent) => {
    expect(shareToPercent(share)).toBe(percent);
    expect(percentToShare(percent)).toBe(share);
  });
});

describe(planIssueKey.name, () => {
  it('words the hub’s own refinements, and leaves the others to the common messages', () => {
    const issues = CountPlanInputSchema.safeParse({
      ...planToInput(null, 'UTC'), name: 'x', storeIds: ['5f0c2a1e-3b4d-4c5e-8f6a-7b8c9d0e1f2a'],
      abc: { windowDays: 90, aShare: 0.9, bShare: 0.8, aEveryDays: 30, bEveryDays: 7, cEveryDays: 90, maxProducts: 10 },
    }).error!.issues;
    const keys = issues.map((i) => planIssueKey(i.path.map(String).join('.'), i.code));
    expect(keys).toEqual(expect.arrayContaining(['plans.err.shares', 'plans.err.everyOrder']));
    expect(planIssueKey('name', 'too_small')).toBeNull();
  });
});

describe(summariseAbc.name, () => {
  it('counts classes and due products', () => {
    expect(summariseAbc([{ cls: 'A', due: true }, { cls: 'A', due: false }, { cls: 'C', due: true }])).toEqual({ A: 2, B: 0, C: 1, due: 2, total: 3 });
  });
});

describe(isRunFinished.name, () => {
  it('treats a claimed run without a stocktake and with the "in progress" note as still running', () => {
    expect(isRunFinished({ stocktakeId: null, note: 'in progress (if this stays, the run was interrupted before it finished)' })).toBe(false);
    expect(isRunFinished({ stocktakeId: 'st', note: null })).toBe(true);
    expect(isRunFinished({ stocktakeId: null, note: 'Nothing is due: every product was counted within its class interval' })).toBe(true);
    expect(runTrigger('manual-1234')).toBe('manual');
    expect(runTrigger('at-2026-03-02T06:00:00.000Z')).toBe('scheduled');
  });
});

describe(formatInZone.name, () => {
  it('shows a moment on the plan’s own clock, weekday included', () => {
    expect(formatInZone('2026-11-29T22:00:00.000Z', 'Asia/Shanghai', 'en')).toBe('Mon, 11/30/2026, 06:00');
    expect(formatInZone('2026-11-29T22:00:00.000Z', 'Europe/London', 'en')).toBe('Sun, 11/29/2026, 22:00');
    expect(formatInZone(null, 'UTC', 'en')).toBe('—');
    expect(formatInZone('2026-11-29T22:00:00.000Z', 'Not/AZone', 'en')).toBe('—');
  });
});
