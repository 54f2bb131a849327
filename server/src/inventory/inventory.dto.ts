import { createZodDto } from 'nestjs-zod';
import { AdjustmentSchema, BalanceQuerySchema, LedgerQuerySchema, ReceiptSchema, TransferSchema } from '@stockfleet/shared';

export class ReceiptDto extends createZodDto(ReceiptSchema) {}
export class TransferDto extends createZodDto(TransferSchema) {}
export class AdjustmentDto extends createZodDto(AdjustmentSchema) {}
export class BalanceQueryDto extends createZodDto(BalanceQuerySchema) {}
export class LedgerQueryDto extends createZodDto(LedgerQuerySchema) {}
