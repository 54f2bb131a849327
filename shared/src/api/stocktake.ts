import { z } from 'zod';
import { Text } from './text.js';

export const StocktakeScopeSchema = z
  .strictObject({
    kind: z.enum(['chain', 'regions', 'stores']),
    regionIds: z.array(z.uuid()).max(1000).default([]),
    storeIds: z.array(z.uuid()).max(10_000).default([]),
    filter: z
      .strictObject({
        kind: z.enum(['full', 'categories', 'zones', 'products']),
        categories: z.array(Text({ min: 1, max: 100 })).max(500).default([]),
        /** Zone codes (e.g. "A1"): the same code means the same place in every store. */
        zoneCodes: z.array(Text({ min: 1, max: 32 })).max(500).default([]),
        productIds: z.array(z.uuid()).max(50_000).default([]),
      })
      .default({ kind: 'full', categories: [], zoneCodes: [], productIds: [] }),
  })
  .refine((s) => s.kind !== 'regions' || s.regionIds.length > 0, { message: 'name at least one region', path: ['regionIds'] })
  .refine((s) => s.kind !== 'stores' || s.storeIds.length > 0, { message: 'name at least one store', path: ['storeIds'] })
  .refine((s) => s.filter.kind !== 'categories' || s.filter.categories.length > 0, { message: 'name at least one category', path: ['filter', 'categories'] })
  .refine((s) => s.filter.kind !== 'zones' || s.filter.zoneCodes.length > 0, { message: 'name at least one zone', path: ['filter', 'zoneCodes'] })
  .refine((s) => s.filter.kind !== 'products' || s.filter.productIds.length > 0, { message: 'name at least one product', path: ['filter', 'productIds'] });
export type StocktakeScope = z.infer<typeof StocktakeScopeSchema>;

export const ThresholdsSchema = z.strictObject({
  quantity: z.number().int().min(0).max(1_000_000).default(5),
  percent: z.number().min(0).max(1000).default(10),
  valueCents: z.number().int().min(0).max(100_000_000).default(5000),
});

export const CreateStocktakeSchema = z.strictObject({
  name: Text({ min: 1, max: 120 }),
  scope: StocktakeScopeSchema,
  blind: z.boolean().default(true),
  thresholds: ThresholdsSchema.default({ quantity: 5, percent: 10, valueCents: 5000 }),
  graceSeconds: z.number().int().min(0).max(600).default(60),
  /** A drill: runs the whole flow on these tills only (others keep selling) and never posts to the ledger. */
  practice: z.boolean().default(false),
  practiceTerminalIds: z.array(z.uuid()).max(1000).default([]),
}).refine((s) => !s.practice || s.practiceTerminalIds.length > 0, { message: 'a practice count needs the tills to drill on', path: ['practiceTerminalIds'] });
export type CreateStocktakeInput = z.infer<typeof CreateStocktakeSchema>;

export const ForceBarrierSchema = z.strictObject({ terminalIds: z.array(z.uuid()).min(1).max(1000), reason: Text({ min: 1, max: 300 }) });
export const RecountRequestSchema = z.strictObject({
  lines: z.array(z.strictObject({ productId: z.uuid(), zoneId: z.uuid().nullable().default(null) })).max(10_000).optional(),
  /** true: every line over a threshold becomes a recount task. */
  overThreshold: z.boolean().default(false),
});
export const ReasonCodeSchema = z.enum(['damage', 'expiry', 'theft', 'receiving_error', 'counting_error', 'unknown']);
export const SetReasonsSchema = z.strictObject({
  lines: z.array(z.strictObject({ productId: z.uuid(), reason: ReasonCodeSchema })).min(1).max(50_000),
});

export type StoreCountStatusDto = 'pending' | 'freezing' | 'counting' | 'review' | 'approved' | 'cancelled';
export interface StocktakeStoreDto {
  storeId: string;
  storeCode: string;
  storeName: string;
  status: StoreCountStatusDto;
  freezeAt: string | null;
  snapshotAt: string | null;
  tills: number;
  tillsFrozen: number;
  waitingFor: Array<{ id: string; name: string; online: boolean }>;
  forced: Array<{ id: string; reason: string }>;
  approvedAt: string | null;
  approvedBy: string | null;
}
export interface StocktakeDto {
  id: string;
  name: string;
  status: 'draft' | 'running' | 'done' | 'cancelled';
  scope: StocktakeScope;
  blind: boolean;
  practice: boolean;
  practiceTerminalIds: string[];
  thresholds: z.infer<typeof ThresholdsSchema>;
  graceSeconds: number;
  createdAt: string;
  createdBy: string | null;
  startedAt: string | null;
  stores: StocktakeStoreDto[];
}
export interface VarianceLineDto {
  productId: string;
  sku: string;
  name: string;
  category: string;
  unitCostCents: number;
  book: number;
  /** Every movement recorded after the snapshot (signed; −3 = three sold): late deliveries and sales during the freeze. */
  lateSales: number;
  /** The part of lateSales stamped at or after the freeze (sold during the freeze). */
  soldDuringFreeze: number;
  expected: number;
  counted: number;
  variance: number;
  varianceValueCents: number;
  overThreshold: boolean;
  uncounted: boolean;
  recountOpen: boolean;
  /** Recount rounds requested for this product. */
  recountRounds: number;
  reason: string | null;
}
export interface VarianceReportDto {
  stocktakeId: string;
  storeId: string;
  status: StoreCountStatusDto;
  /** A drill: nothing is posted on approval. */
  practice: boolean;
  lines: VarianceLineDto[];
  totals: { lines: number; counted: number; uncounted: number; overThreshold: number; varianceValueCents: number; absVarianceValueCents: number };
}
