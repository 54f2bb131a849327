import { createZodDto } from 'nestjs-zod';
import { CreateStocktakeSchema, ForceBarrierSchema, RecountRequestSchema, SetReasonsSchema } from '@stockfleet/shared';

export class CreateStocktakeDto extends createZodDto(CreateStocktakeSchema) {}
export class ForceBarrierDto extends createZodDto(ForceBarrierSchema) {}
export class RecountRequestDto extends createZodDto(RecountRequestSchema) {}
export class SetReasonsDto extends createZodDto(SetReasonsSchema) {}
