import { z } from 'zod';

export const UuidSchema = z.uuid();
/** Quantities are integers in the product's unit of measure (pieces, grams, millilitres). */
export const QuantitySchema = z.number().int().min(-1_000_000).max(1_000_000);
export const PositiveQuantitySchema = z.number().int().min(1).max(1_000_000);
export const IdempotencyKeySchema = z.string().min(8).max(128).regex(/^[A-Za-z0-9._:-]+$/);
export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
export const IdParamSchema = z.object({ id: UuidSchema });
