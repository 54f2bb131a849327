import { CountPlanInputSchema } from '@stockfleet/shared';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export class CountPlanInputDto extends createZodDto(CountPlanInputSchema) {}

/** `GET /api/count-plans/:id/abc?storeId=`: one of the plan's stores, or all of them when absent. */
export const AbcPreviewQuerySchema = z.strictObject({ storeId: z.uuid().optional() });
export class AbcPreviewQueryDto extends createZodDto(AbcPreviewQuerySchema) {}
