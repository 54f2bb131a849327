import { z } from 'zod';

export interface LowStockAlertDto {
  id: string;
  storeId: string;
  storeCode: string;
  productId: string;
  sku: string;
  name: string;
  threshold: number;
  onHandAtRaise: number;
  /** Current balance. */
  onHand: number;
  raisedAt: string;
  clearedAt: string | null;
}

export const LowStockAlertQuerySchema = z.strictObject({
  storeId: z.uuid().optional(),
  status: z.enum(['open', 'cleared', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
