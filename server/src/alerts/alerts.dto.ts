import { LowStockAlertQuerySchema } from '@stockfleet/shared';
import { createZodDto } from 'nestjs-zod';
import type { z } from 'zod';

export class LowStockAlertQueryDto extends createZodDto(LowStockAlertQuerySchema) {}
export type LowStockAlertQuery = z.output<typeof LowStockAlertQuerySchema>;
