import { z } from 'zod';
import { IdempotencyKeySchema } from './common.js';

export const MovementKindSchema = z.enum([
  'receipt',
  'transfer_out',
  'transfer_in',
  'adjustment',
  'sale',
  'return',
  'stocktake',
]);
export type MovementKind = z.infer<typeof MovementKindSchema>;

export const AdjustmentReasonSchema = z.enum([
  'damage',
  'expiry',
  'theft',
  'receiving_error',
  'counting_error',
  'unknown',
  'correction',
]);
export type AdjustmentReason = z.infer<typeof AdjustmentReasonSchema>;

const Qty = z.number().int().min(1).max(1_000_000);

export const ReceiptSchema = z.strictObject({
  idempotencyKey: IdempotencyKeySchema,
  storeId: z.uuid(),
  lines: z.array(z.strictObject({ productId: z.uuid(), quantity: Qty })).min(1).max(5000),
  reference: z.string().max(100).optional(),
});
export type ReceiptInput = z.infer<typeof ReceiptSchema>;

export const TransferSchema = z
  .strictObject({
    idempotencyKey: IdempotencyKeySchema,
    fromStoreId: z.uuid(),
    toStoreId: z.uuid(),
    lines: z.array(z.strictObject({ productId: z.uuid(), quantity: Qty })).min(1).max(5000),
    reference: z.string().max(100).optional(),
  })
  .refine((t) => t.fromStoreId !== t.toStoreId, { message: 'a transfer needs two different stores', path: ['toStoreId'] });
export type TransferInput = z.infer<typeof TransferSchema>;

export const AdjustmentSchema = z.strictObject({
  idempotencyKey: IdempotencyKeySchema,
  storeId: z.uuid(),
  reason: AdjustmentReasonSchema,
  note: z.string().max(500).optional(),
  lines: z
    .array(
      z.strictObject({
        productId: z.uuid(),
        quantity: z.number().int().min(-1_000_000).max(1_000_000).refine((q) => q !== 0, 'must not be zero'),
      }),
    )
    .min(1)
    .max(5000),
});
export type AdjustmentInput = z.infer<typeof AdjustmentSchema>;

export const TenderSchema = z.enum(['cash', 'card', 'other']);
export type Tender = z.infer<typeof TenderSchema>;

/** A completed sale or return as a till sends it (also accepted over REST for back-office entry). */
export const SaleLineSchema = z.strictObject({
  productId: z.uuid(),
  quantity: Qty,
  unitPriceCents: z.number().int().min(0).max(100_000_000),
  code: z.string().max(64).optional(),
});
export const SaleSchema = z.strictObject({
  /** Client-made UUID; the idempotency key of the sale. */
  id: z.uuid(),
  kind: z.enum(['sale', 'return']),
  storeId: z.uuid(),
  /** Per-till monotonically increasing sequence number. */
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  /** Till clock time (ms since epoch) when the sale was completed. */
  at: z.number().int().min(0),
  tender: TenderSchema,
  staffId: z.uuid().optional(),
  lines: z.array(SaleLineSchema).min(1).max(500),
});
export type SaleInput = z.infer<typeof SaleSchema>;

export const BalanceQuerySchema = z.object({
  storeId: z.uuid(),
  q: z.string().max(100).optional(),
  lowOnly: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type BalanceQuery = z.infer<typeof BalanceQuerySchema>;

export const LedgerQuerySchema = z.object({
  storeId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

export interface MovementDto {
  id: string;
  storeId: string;
  productId: string;
  kind: MovementKind;
  quantity: number;
  reason: string | null;
  source: string;
  idempotencyKey: string;
  occurredAt: string;
  recordedAt: string;
  actor: string | null;
}
export interface BalanceDto {
  storeId: string;
  productId: string;
  sku: string;
  name: string;
  category: string;
  onHand: number;
  lowStockThreshold: number;
  low: boolean;
}
export interface MovementResultDto {
  /** false when the idempotency key had already been used: nothing was written this time. */
  applied: boolean;
  movements: MovementDto[];
}
