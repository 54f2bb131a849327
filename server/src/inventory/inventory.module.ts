import { Module } from '@nestjs/common';
import { InventoryController } from './inventory.controller.js';
import { InventoryService } from './inventory.service.js';
import { SalesService } from './sales.service.js';

/** Stock: the ledger of movements and balances — receipts, transfers, adjustments, and the tills' sales. */
@Module({
  controllers: [InventoryController],
  providers: [InventoryService, SalesService],
  exports: [InventoryService, SalesService],
})
export class InventoryModule {}
