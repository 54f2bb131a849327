import { z } from 'zod';
import { CounterSchema, EpochMsSchema } from '../api/bounds.js';
import { Text } from '../api/text.js';

/** One counted line as the till makes it: a client UUID, so a retry can never count twice. */
export const CountEntrySchema = z.strictObject({
  id: z.uuid(),
  zoneId: z.uuid(),
  /** The product, resolved on the till from its catalogue; or `code` for the hub to resolve. */
  productId: z.uuid().optional(),
  code: Text({ min: 1, max: 64 }).optional(),
  /** EPC hex of an RFID tag: counts one, once per store, however often it is read. */
  epc: z.string().regex(/^[0-9A-Fa-f]{24}$/).optional(),
  quantity: z.number().int().min(1).max(100_000),
  at: EpochMsSchema,
  seq: CounterSchema.min(1),
  staffId: z.uuid().nullable().default(null),
  recountTaskId: z.uuid().nullable().default(null),
}).refine((e) => e.productId || e.code || e.epc, { message: 'productId, code or epc is required' });
export type CountEntry = z.infer<typeof CountEntrySchema>;

export const CountSubmitV1 = z.strictObject({
  stocktakeId: z.uuid(),
  entries: z.array(CountEntrySchema).min(1).max(2000),
});
export const CountSubmitAck = z.object({
  results: z.array(
    z.object({ id: z.uuid(), status: z.enum(['accepted', 'duplicate', 'rejected']), code: z.string().optional(), reason: z.string().optional() }),
  ),
});

/** hub → till: the stocktake the till is part of, with its zones and open recount tasks (level-triggered). */
export const StocktakeTasksV1 = z.object({
  stocktakeId: z.uuid(),
  name: z.string(),
  storeStatus: z.enum(['pending', 'freezing', 'counting', 'review', 'approved', 'cancelled']),
  practice: z.boolean(),
  blind: z.boolean(),
  recounts: z.array(z.object({ id: z.uuid(), productId: z.uuid(), sku: z.string(), name: z.string(), zoneId: z.uuid().nullable(), round: z.number() })),
  progress: z.object({ countedProducts: z.number(), scopeProducts: z.number(), entries: z.number() }),
});
export type StocktakeTasks = z.infer<typeof StocktakeTasksV1>;

/** hub → admin: live progress of one store (throttled to about two a second). */
export const StocktakeProgressV1 = z.object({
  stocktakeId: z.uuid(),
  storeId: z.uuid(),
  status: z.string(),
  tills: z.number(),
  tillsFrozen: z.number(),
  countedProducts: z.number(),
  scopeProducts: z.number(),
  scansPerMinute: z.number(),
  runningVarianceValueCents: z.number().nullable(),
});
