import { z } from 'zod';
import { Text } from './text.js';

export const UnitOfMeasureSchema = z.enum(['piece', 'g', 'ml']);
export const BarcodeKindSchema = z.enum(['gtin', 'pack', 'internal']);

export const SkuSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore');

/** Product names and categories: shared by the REST schemas and the CSV import, row by row. */
export const ProductNameSchema = Text({ min: 1, max: 200 });
export const CategorySchema = Text({ min: 1, max: 100 });
/** A barcode as printed or keyed: GTINs are digits, internal codes may be any printable text. */
export const BarcodeCodeSchema = Text({ min: 1, max: 64 });

export const BarcodeInputSchema = z.strictObject({
  code: BarcodeCodeSchema,
  kind: BarcodeKindSchema.default('gtin'),
  /** How many units one scan of this code means (pack barcodes). */
  multiplier: z.number().int().min(1).max(10_000).default(1),
});
export type BarcodeInput = z.infer<typeof BarcodeInputSchema>;

export const CreateProductSchema = z.strictObject({
  sku: SkuSchema,
  name: ProductNameSchema,
  category: CategorySchema,
  unitCostCents: z.number().int().min(0).max(100_000_000),
  unitPriceCents: z.number().int().min(0).max(100_000_000).optional(),
  uom: UnitOfMeasureSchema.default('piece'),
  lowStockThreshold: z.number().int().min(0).max(1_000_000).default(0),
  barcodes: z.array(BarcodeInputSchema).max(50).default([]),
});
export type CreateProductInput = z.infer<typeof CreateProductSchema>;

export const UpdateProductSchema = z.strictObject({
  name: ProductNameSchema.optional(),
  category: CategorySchema.optional(),
  unitCostCents: z.number().int().min(0).max(100_000_000).optional(),
  unitPriceCents: z.number().int().min(0).max(100_000_000).optional(),
  lowStockThreshold: z.number().int().min(0).max(1_000_000).optional(),
});
export type UpdateProductInput = z.infer<typeof UpdateProductSchema>;

export const ProductQuerySchema = z.object({
  q: Text({ max: 100 }).optional(),
  category: Text({ max: 100 }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type ProductQuery = z.infer<typeof ProductQuerySchema>;

export interface BarcodeDto {
  code: string;
  kind: z.infer<typeof BarcodeKindSchema>;
  multiplier: number;
}
export interface ProductDto {
  id: string;
  sku: string;
  name: string;
  category: string;
  unitCostCents: number;
  unitPriceCents: number;
  uom: z.infer<typeof UnitOfMeasureSchema>;
  lowStockThreshold: number;
  barcodes: BarcodeDto[];
}

/** Result of resolving a scanned code against the catalogue. */
export interface ResolvedCodeDto {
  product: ProductDto;
  quantity: number;
  code: string;
}

/** CSV import: columns sku,name,category,unit_cost_cents,unit_price_cents,uom,low_stock_threshold,barcode,barcode_kind,multiplier */
export const IMPORT_COLUMNS = [
  'sku',
  'name',
  'category',
  'unit_cost_cents',
  'unit_price_cents',
  'uom',
  'low_stock_threshold',
  'barcode',
  'barcode_kind',
  'multiplier',
] as const;
export interface ImportRowError {
  line: number;
  column?: string;
  message: string;
}
export interface ImportResultDto {
  rows: number;
  productsCreated: number;
  productsUpdated: number;
  barcodesCreated: number;
}
