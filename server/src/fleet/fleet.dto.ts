import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { CreateEnrolmentCodeSchema, EnrolSchema, TerminalCommandSchema } from '@stockfleet/shared';

export class CreateEnrolmentCodeDto extends createZodDto(CreateEnrolmentCodeSchema) {}
export class EnrolDto extends createZodDto(EnrolSchema) {}
export class TerminalCommandDto extends createZodDto(TerminalCommandSchema) {}
export class TerminalQueryDto extends createZodDto(z.object({ storeId: z.uuid().optional() })) {}
