import { z } from 'zod';
import { Text } from './text.js';

const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');
const TimeZone = z.string().min(1).max(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Asia/Shanghai');

export const AbcSettingsSchema = z.strictObject({
  /** Classes are ranked by value moved (units sold × unit cost) over this many days. */
  windowDays: z.number().int().min(7).max(730).default(90),
  /** Cumulative share of value that makes class A, then A+B (Pareto: 80 % / 95 %). */
  aShare: z.number().gt(0).lt(1).default(0.8),
  bShare: z.number().gt(0).lt(1).default(0.95),
  /** A product of the class is due when it was last counted at least this many days ago. */
  aEveryDays: z.number().int().min(1).max(365).default(7),
  bEveryDays: z.number().int().min(1).max(365).default(30),
  cEveryDays: z.number().int().min(1).max(730).default(90),
  /** At most this many products per run (most valuable first). */
  maxProducts: z.number().int().min(1).max(50_000).default(500),
}).refine((a) => a.bShare > a.aShare, { message: 'bShare must be above aShare', path: ['bShare'] })
  .refine((a) => a.aEveryDays <= a.bEveryDays && a.bEveryDays <= a.cEveryDays, { message: 'A is counted most often: aEveryDays ≤ bEveryDays ≤ cEveryDays', path: ['aEveryDays'] });
export type AbcSettings = z.infer<typeof AbcSettingsSchema>;

export const CountPlanInputSchema = z.strictObject({
  name: Text({ min: 1, max: 120 }),
  enabled: z.boolean().default(true),
  cadence: z.enum(['daily', 'weekly', 'monthly']),
  timeOfDay: TimeOfDay,
  timezone: TimeZone,
  /** weekly: 0 = Sunday … 6 = Saturday. */
  weekday: z.number().int().min(0).max(6).nullable().default(null),
  /** monthly: 1–28 so every month has the day. */
  dayOfMonth: z.number().int().min(1).max(28).nullable().default(null),
  storeIds: z.array(z.uuid()).min(1).max(10_000),
  /** full: every product; abc: the products due by their ABC class (cycle count). */
  method: z.enum(['full', 'abc']),
  abc: AbcSettingsSchema.default({ windowDays: 90, aShare: 0.8, bShare: 0.95, aEveryDays: 7, bEveryDays: 30, cEveryDays: 90, maxProducts: 500 }),
  blind: z.boolean().default(true),
  /** true: the created stocktake starts at once (tills freeze); false: it waits as a draft. */
  autoStart: z.boolean().default(false),
}).refine((p) => p.cadence !== 'weekly' || p.weekday !== null, { message: 'a weekly plan needs a weekday', path: ['weekday'] })
  .refine((p) => p.cadence !== 'monthly' || p.dayOfMonth !== null, { message: 'a monthly plan needs a day of the month', path: ['dayOfMonth'] });
export type CountPlanInput = z.infer<typeof CountPlanInputSchema>;

export interface CountPlanDto extends CountPlanInput {
  id: string;
  createdBy: string | null;
  createdAt: string;
  /** Next time the scheduler fires, from BullMQ (null when disabled). */
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastStocktakeId: string | null;
}

export interface CountPlanRunDto {
  planId: string;
  runKey: string;
  ranAt: string;
  stocktakeId: string | null;
  products: number;
  classes: { A: number; B: number; C: number } | null;
  note: string | null;
}

export interface AbcClassDto {
  productId: string;
  sku: string;
  name: string;
  valueCents: number;
  unitsSold: number;
  cls: 'A' | 'B' | 'C';
  lastCountedAt: string | null;
  due: boolean;
}
