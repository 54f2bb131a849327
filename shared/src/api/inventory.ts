import { z } from 'zod';
import { EpochMsSchema, CounterSchema } from './bounds.js';
import { IdempotencyKeySchema } from './common.js';
import { Text } from './text.js';

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
/** Delivery notes, transfer papers: shown in the ledger beside each movement. */
const Reference = Text({ max: 100 });

export const ReceiptSchema = z.strictObject({
  idempotencyKey: IdempotencyKeySchema,
  storeId: z.uuid(),
  lines: z.array(z.strictObject({ productId: z.uuid(), quantity: Qty })).min(1).max(5000),
  reference: Reference.optional(),
});
export type ReceiptInput = z.infer<typeof ReceiptSchema>;

export const TransferSchema = z
  .strictObject({
    idempotencyKey: IdempotencyKeySchema,
    fromStoreId: z.uuid(),
    toStoreId: z.uuid(),
    lines: z.array(z.strictObject({ productId: z.uuid(), quantity: Qty })).min(1).max(5000),
    reference: Reference.optional(),
  })
  .refine((t) => t.fromStoreId !== t.toStoreId, { message: 'a transfer needs two different stores', path: ['toStoreId'] });
export type TransferInput = z.infer<typeof TransferSchema>;

export const AdjustmentSchema = z.strictObject({
  idempotencyKey: IdempotencyKeySchema,
  storeId: z.uuid(),
  reason: AdjustmentReasonSchema,
  /** Why, in words: stored on each movement and shown in the ledger. */
  note: Text({ max: 500, multiline: true }).optional(),
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
  code: Text({ max: 64 }).optional(),
});
export const SaleSchema = z.strictObject({
  /** Client-made UUID; the idempotency key of the sale. */
  id: z.uuid(),
  kind: z.enum(['sale', 'return']),
  storeId: z.uuid(),
  /** Per-till monotonically increasing sequence number. */
  seq: CounterSchema.min(1),
  /** Till clock time (ms since epoch) when the sale was completed. */
  at: EpochMsSchema,
  tender: TenderSchema,
  staffId: z.uuid().optional(),
  lines: z.array(SaleLineSchema).min(1).max(500),
});
export type SaleInput = z.infer<typeof SaleSchema>;

export const BalanceQuerySchema = z.object({
  storeId: z.uuid(),
  q: Text({ max: 100 }).optional(),
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
  /** The adjustment's reason code, or the reference of a receipt or transfer. */
  reason: string | null;
  /** An adjustment's note, as written. */
  note: string | null;
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
