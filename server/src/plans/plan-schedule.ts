import type { CountPlanInput } from '@stockfleet/shared';

type Cadence = Pick<CountPlanInput, 'cadence' | 'timeOfDay' | 'weekday' | 'dayOfMonth'>;

/** The cron pattern (minute hour day-of-month month day-of-week) of a plan; read in the plan's own time zone. */
export function cronPattern(p: Cadence): string {
  const [h, m] = p.timeOfDay.split(':').map((x) => Number(x));
  switch (p.cadence) {
    case 'daily':
      return `${m} ${h} * * *`;
    case 'weekly':
      if (p.weekday === null) throw new Error('a weekly plan needs a weekday');
      return `${m} ${h} * * ${p.weekday}`;
    case 'monthly':
      if (p.dayOfMonth === null) throw new Error('a monthly plan needs a day of the month');
      return `${m} ${h} ${p.dayOfMonth} * *`;
  }
}

/** Only the field its cadence uses is kept: a daily plan has no weekday, a weekly one no day of the month. */
export function normaliseCadence<T extends Cadence>(p: T): T {
  return { ...p, weekday: p.cadence === 'weekly' ? p.weekday : null, dayOfMonth: p.cadence === 'monthly' ? p.dayOfMonth : null };
}

/** YYYY-MM-DD of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (t: string) => parts.find((x) => x.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export const MANUAL_PREFIX = 'manual-';
/** Job id of a "run now": carries the run key, since the job payload is only the plan id. */
export const manualJobId = (planId: string, runKey: string) => `plan-${planId}-${runKey}`;

/**
 * The run key of a firing: a scheduler's job is `repeat:<planId>:<millis>` (the scheduled time), so a
 * retried or duplicated firing of the same slot has the same key; a manual run carries its own key.
 * Returns null for a job that is neither.
 */
export function runKeyOf(planId: string, job: { id?: string | null; opts?: { prevMillis?: number } }): { key: string; scheduledAt: Date | null } | null {
  const id = job.id ?? '';
  const sched = /^repeat:([^:]+):(\d+)$/.exec(id);
  if (sched && sched[1] === planId) return scheduledKey(Number(sched[2]));
  const manual = `plan-${planId}-`;
  if (id.startsWith(manual) && id.slice(manual.length).startsWith(MANUAL_PREFIX)) return { key: id.slice(manual.length), scheduledAt: null };
  if (typeof job.opts?.prevMillis === 'number' && job.opts.prevMillis > 0) return scheduledKey(job.opts.prevMillis);
  return null;
}

const scheduledKey = (millis: number) => ({ key: `at-${new Date(millis).toISOString()}`, scheduledAt: new Date(millis) });
