import { describe, expect, it } from '@jest/globals';
import { cronPattern, localDate, manualJobId, normaliseCadence, runKeyOf } from './plan-schedule';

describe(cronPattern.name, () => {
  it.each([
    [{ cadence: 'daily', timeOfDay: '06:00', weekday: null, dayOfMonth: null }, '0 6 * * *'],
    [{ cadence: 'daily', timeOfDay: '23:05', weekday: 3, dayOfMonth: 9 }, '5 23 * * *'],
    [{ cadence: 'weekly', timeOfDay: '09:30', weekday: 0, dayOfMonth: null }, '30 9 * * 0'],
    [{ cadence: 'monthly', timeOfDay: '00:00', weekday: null, dayOfMonth: 28 }, '0 0 28 * *'],
  ] as const)('%j → %s', (plan, pattern) => {
    expect(cronPattern(plan)).toBe(pattern);
  });

  it('refuses a weekly plan without a weekday', () => {
    expect(() => cronPattern({ cadence: 'weekly', timeOfDay: '09:30', weekday: null, dayOfMonth: null })).toThrow(/weekday/);
  });
});

describe(normaliseCadence.name, () => {
  it('keeps only the field the cadence uses', () => {
    expect(normaliseCadence({ cadence: 'daily', timeOfDay: '06:00', weekday: 2, dayOfMonth: 3 })).toMatchObject({ weekday: null, dayOfMonth: null });
    expect(normaliseCadence({ cadence: 'weekly', timeOfDay: '06:00', weekday: 2, dayOfMonth: 3 })).toMatchObject({ weekday: 2, dayOfMonth: null });
    expect(normaliseCadence({ cadence: 'monthly', timeOfDay: '06:00', weekday: 2, dayOfMonth: 3 })).toMatchObject({ weekday: null, dayOfMonth: 3 });
  });
});

describe(localDate.name, () => {
  it('is the calendar date in the zone, not in UTC', () => {
    const at = new Date('2026-03-01T22:00:00Z');
    expect(localDate(at, 'UTC')).toBe('2026-03-01');
    expect(localDate(at, 'Asia/Shanghai')).toBe('2026-03-02');
    expect(localDate(new Date('2026-03-02T03:00:00Z'), 'America/Los_Angeles')).toBe('2026-03-01');
  });
});

describe(runKeyOf.name, () => {
  const plan = '7f1d2c3e-0000-4000-8000-000000000001';
  it('reads the scheduled time from a scheduler job id', () => {
    expect(runKeyOf(plan, { id: `repeat:${plan}:1772402400000` })).toEqual({ key: 'at-2026-03-01T22:00:00.000Z', scheduledAt: new Date(1772402400000) });
  });
  it('reads the manual key from a run-now job id', () => {
    expect(runKeyOf(plan, { id: manualJobId(plan, 'manual-abc') })).toEqual({ key: 'manual-abc', scheduledAt: null });
  });
  it('falls back to prevMillis, and refuses a job of another plan or without a key', () => {
    expect(runKeyOf(plan, { id: 'x', opts: { prevMillis: 1772402400000 } })?.key).toBe('at-2026-03-01T22:00:00.000Z');
    expect(runKeyOf(plan, { id: `repeat:other:1772402400000` })).toBeNull();
    expect(runKeyOf(plan, { id: `plan-${plan}-whatever` })).toBeNull();
    expect(runKeyOf(plan, { id: '42' })).toBeNull();
  });
});
