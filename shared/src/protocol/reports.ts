import { z } from 'zod';

/** A report's state changed or its progress moved (coalesced); admins and auditors refetch files on `done`. */
export const ReportProgressV1 = z.object({
  reportId: z.uuid(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  progress: z.number().min(0).max(100),
  error: z.string().nullable(),
});
export type ReportProgressV1 = z.infer<typeof ReportProgressV1>;

/** A low-stock alert was raised (balance fell below the threshold) or cleared (restocked). */
export const LowStockAlertV1 = z.object({
  change: z.enum(['raised', 'cleared']),
  alert: z.object({
    id: z.uuid(),
    storeId: z.uuid(),
    storeCode: z.string(),
    productId: z.uuid(),
    sku: z.string(),
    name: z.string(),
    threshold: z.number().int(),
    onHandAtRaise: z.number().int(),
    onHand: z.number().int(),
    raisedAt: z.string(),
    clearedAt: z.string().nullable(),
  }),
});
export type LowStockAlertV1 = z.infer<typeof LowStockAlertV1>;
